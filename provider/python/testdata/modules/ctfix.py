"""Functions the provider's tests call."""
import datetime
import os
import subprocess
import sys
import time


def with_config(configuration, x=1):
    return {"config": configuration, "x": x}


def with_secrets(secrets, configuration=None):
    return {"secrets": secrets}


def secrets_default(secrets="not passed"):
    return secrets


def noisy():
    print("hello from stdout")
    sys.stdout.flush()
    subprocess.run(["echo", "from a child process"], check=True)
    sys.stderr.write("to stderr\n")
    return "done"


def a_set():
    return {1}


def odd_values():
    return {
        "bytes": b"x",
        "tuple": (1, 2),
        "nan": float("nan"),
        1: "int key",
        "date": datetime.date(2024, 1, 2),
        "obj": Thing(),
    }


class Thing:
    def __str__(self):
        return "a thing"


def sleepy(seconds):
    time.sleep(seconds)
    return "woke"


def sleepy_child(seconds):
    subprocess.run(["sleep", str(seconds)])
    return "woke"


def traceparent():
    return os.environ.get("TRACEPARENT")


def raises():
    raise ValueError("bad value")


def exits():
    sys.exit(3)


def dies():
    print("dying", file=sys.stderr)
    os._exit(7)


def needs(a, b, *, c, d=1):
    return [a, b, c, d]


def big(n):
    return "x" * n


def echo(**kwargs):
    return kwargs


not_callable = 42
