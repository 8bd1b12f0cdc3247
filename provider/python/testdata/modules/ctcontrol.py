"""A control module for the provider's control tests: each hook returns
what it was given."""
import os


def configure_control(experiment=None, configuration=None, level="info", **kwargs):
    return {"title": (experiment or {}).get("title"), "level": level, "kwargs": sorted(kwargs)}


def before_experiment_control(context):
    return os.environ.get("TRACEPARENT")


def before_activity_control(context, target=None, **kwargs):
    return {"context": context, "target": target, "kwargs": sorted(kwargs)}


def after_activity_control(context, state, configuration, secrets, x=1):
    return {"status": state["status"], "configuration": configuration, "secrets": secrets, "x": x}


def before_method_control(**kwargs):
    return sorted(kwargs)


def after_method_control(context, *, extensions, settings, state=None):
    return {"extensions": extensions, "settings": settings, "state": state}


def before_hypothesis_control(context):
    raise ValueError("no hypothesis today")


def cleanup_control():
    return "cleaned"


after_rollback_control = "not callable"
