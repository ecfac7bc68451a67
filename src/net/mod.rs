//! Everything that touches a socket: the HTTP/1.1 parser ([`http1`]), request targets and
//! where a signed request may go ([`target`]), the one HTTP client ([`client`]), sending a
//! callback at a server ([`trigger`]), the server loop with its limits ([`server`]) and the
//! callback listener on it ([`listen`]), and the stand-in for Sinch's APIs ([`mock`]).
//!
//! The Sinch rules these apply (what is signed, what verifies, what an answer must hold) are
//! [`crate::sinch`]'s; this layer moves bytes, with a bound on every size and time.

pub mod client;
pub mod http1;
pub mod listen;
pub mod mock;
pub mod oauth;
pub mod server;
pub mod target;
pub mod trigger;
pub mod vault;
