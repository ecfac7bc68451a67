// Loads Sinch's own JavaScript SDK v1 (npm sinch-rtc 1.4.12) into a real browser page.
// The package ships only its Node build; this hands that build, unchanged, what it asks
// `require` for (the browser's own XMLHttpRequest, atob, btoa and localStorage, and Q),
// stubs what a messaging start never uses (pubnub's active connection, native WebRTC, the
// Node ticket generator), and makes `SinchClient` the SDK, as the CDN's build would.
(function () {
  'use strict';
  const quiet = new Proxy(function () {}, { get: () => quiet, apply: () => quiet });
  const modules = {
    pubnub: { init: () => quiet },
    xmlhttprequest: { XMLHttpRequest: window.XMLHttpRequest },
    wrtc: {},
    btoa: window.btoa.bind(window),
    atob: window.atob.bind(window),
    localStorage: window.localStorage,
    'sinch-ticketgen': function () {},
    q: window.Q,
    '../VERSION': { version: ['1.4.12', '1.4.12', '0', '', null] },
  };
  window.__sinchRequire = function (name) {
    if (!(name in modules)) throw new Error('the SDK asked for ' + name);
    return modules[name];
  };
})();
