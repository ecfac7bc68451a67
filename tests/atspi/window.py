#!/usr/bin/python3
"""Reads and drives a running window from outside its process, as a screen reader does:
through AT-SPI, on the session's accessibility bus. Used by tests/window_real.rs.

    window.py APP dump                  every node: role, name, text, screen extents, showing
    window.py APP press ROLE NAME       does the first action of the node with that role and name
    window.py APP set-text NAME TEXT    replaces the text of the text field named NAME

APP is a process id, or name:NAME for the application of that name (a dialog the window
started, such as zenity).

Prints JSON on standard output; exits 1 with a sentence on standard error when the
application or the node is not there (the caller polls until it is)."""

import json
import sys
import warnings

import gi

# get_text_iface and get_component_iface are deprecated in favour of the same calls by
# another name in newer releases; Debian's 2.46 has both.
warnings.filterwarnings("ignore", category=DeprecationWarning)

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402


def application(which):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is None:
                continue
            if which.startswith("name:"):
                if app.get_name() == which[len("name:"):]:
                    return app
            elif app.get_process_id() == int(which):
                return app
        except GLib.Error:
            continue
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        count = node.get_child_count()
    except GLib.Error:
        return
    for i in range(count):
        try:
            child = node.get_child_at_index(i)
        except GLib.Error:
            continue
        yield from walk(child, depth + 1)


def describe(node):
    try:
        role = node.get_role_name()
        name = node.get_name() or ""
    except GLib.Error:
        return None
    text = None
    try:
        iface = node.get_text_iface()
        if iface is not None:
            text = Atspi.Text.get_text(node, 0, Atspi.Text.get_character_count(node))
    except GLib.Error:
        text = None
    extents = None
    try:
        if node.get_component_iface() is not None:
            rect = Atspi.Component.get_extents(node, Atspi.CoordType.SCREEN)
            extents = [rect.x, rect.y, rect.width, rect.height]
    except GLib.Error:
        extents = None
    try:
        states = node.get_state_set()
        showing = states.contains(Atspi.StateType.SHOWING)
        enabled = states.contains(Atspi.StateType.ENABLED)
    except GLib.Error:
        showing = enabled = None
    return {
        "role": role,
        "name": name,
        "text": text,
        "extents": extents,
        "showing": showing,
        "enabled": enabled,
    }


def find(app, role, name):
    for node in walk(app):
        try:
            if node.get_role_name() == role and (node.get_name() or "") == name:
                return node
        except GLib.Error:
            continue
    return None


def main():
    Atspi.set_timeout(5000, 5000)
    which = sys.argv[1]
    command = sys.argv[2]
    app = application(which)
    if app is None:
        sys.exit(f"no application {which} on the accessibility bus")
    if command == "dump":
        nodes = [d for d in (describe(n) for n in walk(app)) if d is not None]
        print(json.dumps(nodes))
    elif command == "press":
        node = find(app, sys.argv[3], sys.argv[4])
        if node is None:
            sys.exit(f"no {sys.argv[3]} named {sys.argv[4]!r}")
        print(json.dumps(Atspi.Action.do_action(node, 0)))
    elif command == "set-text":
        node = find(app, "text", sys.argv[3]) or find(app, "entry", sys.argv[3])
        if node is None:
            sys.exit(f"no text field named {sys.argv[3]!r}")
        print(json.dumps(Atspi.EditableText.set_text_contents(node, sys.argv[4])))
    else:
        sys.exit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
