"""Tests for python/kata_sealed.py: the tests' process talking to a real
forked submission's process, and the tests' side refusing what a hostile
peer may send.

Run from the repository root:  python3 -m unittest discover -s tests/python -v
"""

import io
import json
import os
import socket
import struct
import sys
import textwrap
import unittest
from contextlib import redirect_stdout
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import kata_sealed  # noqa: E402

SUBMISSION = textwrap.dedent("""\
    import contextlib

    class TooSmall(ValueError):
        pass

    class Anything:
        def __eq__(self, other):
            return True
        __hash__ = object.__hash__

    def echo(value):
        return value

    def check(n):
        if n < 0:
            raise TooSmall("negative: %d" % n)
        if n == 0:
            raise KeyError("zero")
        return n

    def twice(callback, value):
        return [callback(value), callback(value)]

    def count_up(n):
        for i in range(n):
            yield i

    def cheat():
        return Anything()

    def shout(text):
        print(text.upper())
        return len(text)

    @contextlib.contextmanager
    def tagged(log):
        log.append("enter")
        yield "inside"
        log.append("exit")

    def call_log(log):
        log("called")

    def die():
        import os
        os._exit(3)

    def pid():
        import os
        return os.getpid()

    def retry_once(function):
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except ValueError:
                return function(*args, **kwargs)
        return wrapper

    def reraise(function):
        try:
            function()
        except Exception as exc:
            raise exc

    def default_sleep():
        import time
        return time.sleep
    """)


def start(source=SUBMISSION):
    spec = {"path": "/nonexistent/submission.py", "display": "submission.py",
            "source": source}
    sealed = kata_sealed.Sealed(spec)
    return sealed, sealed.load()


class TheTwoProcesses(unittest.TestCase):
    def setUp(self):
        self.sealed, self.module = start()

    def tearDown(self):
        self.sealed.channel.sock.close()
        self.sealed.status()

    def test_plain_data_is_copied_exactly(self):
        for value in (None, True, 3, -(1 << 200), 2.5, float("inf"), "h\u00e9\udcff",
                      b"\x00\xff", (1, [2, {3: "x"}]), {1, 2}, frozenset({"a"}),
                      1 + 2j, slice(1, 3), range(0, 10, 2), Decimal("1.10")):
            echoed = self.module.echo(value)
            self.assertEqual(echoed, value)
            self.assertIs(type(echoed), type(value))

    def test_the_submission_runs_in_another_process(self):
        self.assertTrue(kata_sealed.is_remote(self.module.echo))
        self.assertNotEqual(self.module.pid(), os.getpid())

    def test_exceptions_keep_their_builtin_base_and_their_class(self):
        with self.assertRaises(ValueError) as caught:
            self.module.check(-1)
        self.assertIsInstance(caught.exception, self.module.TooSmall)
        self.assertEqual(str(caught.exception), "negative: -1")
        with self.assertRaises(KeyError):
            self.module.check(0)
        self.assertEqual(self.module.check(5), 5)

    def test_callbacks_run_in_the_tests_process(self):
        calls = []

        def callback(value):
            calls.append(os.getpid())
            return value * 2

        self.assertEqual(self.module.twice(callback, 21), [42, 42])
        self.assertEqual(calls, [os.getpid(), os.getpid()])

    def test_generators_iterate(self):
        self.assertEqual(list(self.module.count_up(4)), [0, 1, 2, 3])

    def test_context_managers_work_across(self):
        log = []
        with self.module.tagged(log) as value:
            self.assertEqual(value, "inside")
        # The list is copied to the submission: the tests' own list is unchanged.
        self.assertEqual(log, [])

    def test_a_decorated_method_binds_to_the_tests_object(self):
        retry_once = self.module.retry_once

        class Client:
            def __init__(self):
                self.calls = 0

            @retry_once
            def get(self, x):
                self.calls += 1
                if self.calls == 1:
                    raise ValueError("flaky")
                return x * 2

        client = Client()
        self.assertEqual(client.get(3), 6)
        self.assertEqual(client.calls, 2)

    def test_an_exception_handed_back_is_the_same_object(self):
        original = KeyError("k")

        def boom():
            raise original

        with self.assertRaises(KeyError) as caught:
            self.module.reraise(boom)
        self.assertIs(caught.exception, original)

    def test_builtin_functions_are_the_same_on_both_sides(self):
        import time
        self.assertIs(self.module.default_sleep(), time.sleep)

    def test_the_kata_helpers_ask_the_submissions_process(self):
        import kata
        self.assertTrue(kata.is_generator(self.module.count_up(2)))
        self.assertTrue(kata.is_generator_function(self.module.count_up))
        self.assertFalse(kata.is_generator_function(self.module.echo))
        result, peak = kata.peak_memory(self.module.echo, list(range(100)))
        self.assertEqual(result, list(range(100)))
        self.assertIsInstance(peak, int)

    def test_an_always_equal_object_equals_no_plain_value(self):
        cheat = self.module.cheat()
        self.assertTrue(kata_sealed.is_remote(cheat))
        self.assertFalse(cheat == 6)
        self.assertFalse(6 == cheat)
        self.assertNotIn(cheat, [1, 2, 6])

    def test_output_of_a_call_reaches_the_tests_stdout(self):
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(self.module.shout("hi"), 2)
        self.assertEqual(out.getvalue(), "HI\n")

    def test_a_dead_submission_is_reported_with_its_status(self):
        with self.assertRaises(kata_sealed.SubmissionGone) as caught:
            self.module.die()
        self.assertIn("exited with status 3", str(caught.exception))
        # Later requests fail the same way; nothing hangs.
        with self.assertRaises(kata_sealed.SubmissionGone):
            self.module.echo(1)

    def test_an_import_error_is_raised_in_the_tests_process(self):
        with self.assertRaises(SyntaxError) as caught:
            start("def broken(:\n")
        self.assertEqual(caught.exception.lineno, 1)


class AHostilePeer(unittest.TestCase):
    """The tests' side of a channel, and a raw socket playing the
    submission's process."""

    def setUp(self):
        ours, self.theirs = socket.socketpair()
        self.channel = kata_sealed.Channel(ours, trusted=True)

    def tearDown(self):
        self.channel.sock.close()
        self.theirs.close()

    def send_raw(self, data):
        self.theirs.sendall(struct.pack(">I", len(data)) + data)

    def send(self, message):
        self.send_raw(json.dumps(message).encode())

    def receive(self):
        size = struct.unpack(">I", self.theirs.recv(4))[0]
        data = b""
        while len(data) < size:
            data += self.theirs.recv(size - len(data))
        return json.loads(data)

    def test_malformed_frames_are_protocol_errors(self):
        for bad in (b"{not json", b"[1, 2]", json.dumps({"a": 0, "v": {"t": "nope"}}).encode(),
                    json.dumps({"a": 0, "v": {"t": "yours", "id": 99}}).encode(),
                    json.dumps({"a": 0, "v": {"t": "int", "v": 5}}).encode(),
                    json.dumps({"a": 7, "v": 1}).encode()):
            self.send_raw(bad)
            with self.assertRaises(kata_sealed.ProtocolError):
                self.channel.wait(0)

    def test_an_oversized_frame_is_refused_unread(self):
        self.theirs.sendall(struct.pack(">I", kata_sealed.MAX_FRAME + 1))
        with self.assertRaises(kata_sealed.ProtocolError):
            self.channel.wait(0)

    def test_the_submission_cannot_reach_the_tests_internals(self):
        def callback():
            return 1

        handle = self.channel.encode(callback)["id"]
        for name in ("__globals__", "__code__", "__closure__", "__class__", "__dict__"):
            self.send({"q": 1, "op": "getattr", "obj": {"t": "yours", "id": handle},
                       "name": name})
            self.send({"a": 0, "v": None})
            self.channel.wait(0)
            reply = self.receive()
            self.assertIn("x", reply, name)
        # Public attributes and calls are served.
        self.send({"q": 2, "op": "getattr", "obj": {"t": "yours", "id": handle},
                   "name": "__name__"})
        self.send({"a": 0, "v": None})
        self.channel.wait(0)
        self.assertEqual(self.receive()["v"], "callback")

    def test_requests_on_objects_never_handed_over_are_refused(self):
        self.send({"q": 1, "op": "getattr", "obj": {"t": "yours", "id": 12345}, "name": "x"})
        with self.assertRaises(kata_sealed.ProtocolError):
            self.channel.wait(0)

    def test_setattr_on_the_tests_objects_is_refused(self):
        class Fake:
            pass

        handle = self.channel.encode(Fake())["id"]
        self.send({"q": 1, "op": "setattr", "obj": {"t": "yours", "id": handle},
                   "name": "x", "value": 1})
        with self.assertRaises(kata_sealed.ProtocolError):
            self.channel.wait(0)


if __name__ == "__main__":
    unittest.main()
