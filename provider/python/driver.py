"""chaostracing's python driver: runs one module/func activity, or checks a
batch of them, on behalf of the Go runner.

It is started as `python3 -c BOOTSTRAP DRIVER` and speaks JSON: one request on
stdin, one response on the original stdout, which nothing else may write to.
The activity's own prints (sys.stdout, and fd 1 of anything it spawns) go to
stderr, which the runner logs.

  call request:  {"op": "call", "path": [...], "module": M, "func": F,
                  "arguments": {...}, "configuration": {...},
                  "secrets": {...} or null}
  call response: {"ok": output}
              or {"error": "ExcType: msg", "type": T, "stage": S,
                  "traceback": [...]}, S being import, lookup or call
  check request: {"op": "check", "path": [...],
                  "activities": [{"module": M, "func": F, "arguments": [names]}]}
  check response: {"problems": [[{"kind": K, ...}, ...], ...]}, one list per
                  activity, K being module, func, missing, extra or positional
  controls request:  {"op": "controls", "path": [...], "modules": [M, ...],
                      "hooks": [names]}
  controls response: {"modules": [{"hooks": [names it defines]}
                      or {"error": "ExcType: msg", "missing": bool}, ...]}
  control request:   {"op": "control", "path": [...], "module": M, "hook": H,
                      "arguments": {...}, "inject": {...}}
  control response:  as call's, plus {"ok": null, "absent": true} when the
                     module has no such hook
"""
import importlib
import json
import math
import os
import sys

# inspect, traceback and linecache are imported only when needed: the
# interpreter's start is most of a call's cost, and they add to it.

FILENAME = "chaostracing/provider/python/driver.py"
SOURCE = ""
MAX_DEPTH = 256
INJECTED = ("configuration", "secrets")


def main():
    global SOURCE
    SOURCE = sys.argv[1] if len(sys.argv) > 1 else ""
    sys.argv = [FILENAME]
    if sys.path and sys.path[0] == "":
        del sys.path[0]  # as under `chaos run`, the current directory is not on the path
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    request = json.loads(sys.stdin.buffer.read())
    sys.path[0:0] = request.get("path") or []
    op = request.get("op")
    if op == "check":
        response = {"problems": [check(a) for a in request.get("activities") or []]}
    elif op == "controls":
        hooks = request.get("hooks") or []
        response = {"modules": [control_hooks(m, hooks) for m in request.get("modules") or []]}
    elif op == "control":
        response = control(request)
    else:
        response = call(request)
    out.write(json.dumps(response, allow_nan=False))
    out.close()


def call(request):
    module, name = request["module"], request["func"]
    try:
        mod = importlib.import_module(module)
    except BaseException as x:
        return failure("import", x)
    try:
        func = getattr(mod, name)
    except BaseException as x:
        return failure("lookup", x)
    arguments = dict(request.get("arguments") or {})
    params = parameters(func)
    if request.get("secrets") is not None and "secrets" in params:
        arguments["secrets"] = request["secrets"]
    if "configuration" in params:
        arguments["configuration"] = request.get("configuration") or {}
    try:
        output = run_python_activity(func, arguments)
    except BaseException as x:
        return failure("call", x, x.__traceback__.tb_next)
    return {"ok": plain(output, 0)}


def run_python_activity(func, arguments):
    return func(**arguments)


def parameters(func):
    """The names of func's parameters, read from its code when it is a plain
    function (the common, fast case), else from inspect.signature."""
    code = getattr(func, "__code__", None)
    if type(func).__name__ == "function" and code is not None and not hasattr(func, "__wrapped__"):
        flags = code.co_flags
        count = code.co_argcount + code.co_kwonlyargcount + bool(flags & 4) + bool(flags & 8)
        return code.co_varnames[:count]
    if type(func).__name__ == "builtin_function_or_method":
        return ()  # builtins take no configuration or secrets
    import inspect

    try:
        return inspect.signature(func).parameters
    except (TypeError, ValueError):
        return ()


def failure(stage, x, tb=None):
    import linecache
    import traceback

    linecache.cache[FILENAME] = (len(SOURCE), None, SOURCE.splitlines(True), FILENAME)
    return {
        "error": message(x),
        "type": type(x).__name__,
        "stage": stage,
        "traceback": traceback.format_exception(type(x), x, tb or x.__traceback__),
    }


def message(x):
    """The exception's "ExcType: msg" line, as chaoslib reports it."""
    import traceback

    lines = traceback.format_exception_only(type(x), x)
    for line in lines:
        if not line.startswith(" "):
            return line.strip()
    return lines[0].strip()


def plain(v, depth):
    """v as a JSON value; what JSON cannot hold becomes its str()."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if depth >= MAX_DEPTH:
        return text(v)
    if isinstance(v, dict):
        return {key(k): plain(x, depth + 1) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x, depth + 1) for x in v]
    dt = sys.modules.get("datetime")  # no datetime value without the module
    if dt is not None and isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return text(v)


def key(k):
    if isinstance(k, str):
        return k
    if k is None or isinstance(k, (bool, int, float)):
        return json.dumps(k)
    return text(k)


def text(v):
    try:
        return str(v)
    except BaseException:
        return "<unprintable %s>" % type(v).__name__


def control_hooks(module, hooks):
    """Which of hooks the control module defines, or why it cannot be
    imported."""
    try:
        mod = importlib.import_module(module)
    except BaseException as x:
        return {"error": message(x), "missing": missing_module(x, module)}
    return {"hooks": [h for h in hooks if callable(attribute(mod, h))]}


def attribute(mod, name):
    try:
        return getattr(mod, name, None)
    except BaseException:
        return None


def control(request):
    """Calls one hook of a control module as chaoslib does: the provider
    arguments as keyword arguments, plus each injected value (context, state,
    experiment, ...) whose name the function's signature lists; context also
    goes to a **kwargs, since chaoslib always passes it."""
    module, name = request["module"], request["hook"]
    try:
        mod = importlib.import_module(module)
    except BaseException as x:
        return failure("import", x)
    func = attribute(mod, name)
    if not callable(func):
        return {"ok": None, "absent": True}
    arguments = dict(request.get("arguments") or {})
    names, var_keyword = accepted(func)
    for key, v in (request.get("inject") or {}).items():
        if key in names or (key == "context" and var_keyword):
            arguments[key] = v
    try:
        output = func(**arguments)
    except BaseException as x:
        return failure("call", x, x.__traceback__.tb_next)
    return {"ok": plain(output, 0)}


def accepted(func):
    """The names func takes by keyword, and whether it has a **kwargs."""
    code = getattr(func, "__code__", None)
    if type(func).__name__ == "function" and code is not None and not hasattr(func, "__wrapped__"):
        end = code.co_argcount + code.co_kwonlyargcount
        return code.co_varnames[code.co_posonlyargcount:end], bool(code.co_flags & 8)
    import inspect

    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return (), False
    kinds = inspect.Parameter
    names = [n for n, p in params.items() if p.kind in (kinds.POSITIONAL_OR_KEYWORD, kinds.KEYWORD_ONLY)]
    return names, any(p.kind == kinds.VAR_KEYWORD for p in params.values())


def check(activity):
    module, name = activity["module"], activity["func"]
    try:
        mod = importlib.import_module(module)
    except BaseException as x:
        return [{"kind": "module", "detail": message(x), "missing": missing_module(x, module)}]
    try:
        func = getattr(mod, name)
    except BaseException:
        func = None
    if not callable(func):
        return [{"kind": "func"}]
    import inspect

    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return []  # builtins without a signature take what they are given
    return bind(sig.parameters, activity.get("arguments") or [])


def missing_module(x, module):
    """Whether x says the module itself, not one it imports, is missing."""
    if not isinstance(x, ImportError):
        return False
    missing = getattr(x, "name", None)
    return missing is None or missing == module or module.startswith(missing + ".")


def bind(params, names):
    """The problems of passing names as keyword arguments to params."""
    import inspect

    kinds = inspect.Parameter
    var_keyword = any(p.kind == kinds.VAR_KEYWORD for p in params.values())
    problems = []
    for name, p in params.items():
        if name in INJECTED or p.kind in (kinds.VAR_POSITIONAL, kinds.VAR_KEYWORD):
            continue
        required = p.default is kinds.empty
        if p.kind == kinds.POSITIONAL_ONLY and name in names and (required or not var_keyword):
            problems.append({"kind": "positional", "arg": name})
        elif required and (p.kind == kinds.POSITIONAL_ONLY or name not in names):
            problems.append({"kind": "missing", "arg": name})
    for name in names:
        p = params.get(name)
        if p is not None and p.kind == kinds.POSITIONAL_ONLY:
            continue  # reported above, or taken by **kwargs
        if (p is None or p.kind == kinds.VAR_POSITIONAL) and not var_keyword:
            problems.append({"kind": "extra", "arg": name})
    return problems

main()
