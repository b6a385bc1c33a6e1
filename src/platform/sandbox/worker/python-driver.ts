/**
 * Python evaluated once per worker, before any user code. It imports what it needs, then seals
 * the interpreter: a meta-path finder refuses the modules that lead to JavaScript or native
 * code (`js`, `pyodide_js`, `pyodide`, `_pyodide*`, `ctypes`, `micropip`), Pyodide's JS import
 * hook is removed and those modules are dropped from `sys.modules`. The last expression is the
 * `run(code, input_json, output_limit)` function, which returns `(status, kind, payload)`:
 * `('ok', '', result_json)` or `('error', kind, message)`.
 */
export const pythonDriverSource = String.raw`
import ast
import builtins
import json
import linecache
import os
import sys
import traceback
import types

_USER_FILE = '<code>'
_BLOCKED = frozenset({'js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core', 'ctypes', '_ctypes', 'micropip', 'pyodide_http'})


class _BlockedImports:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition('.')[0] in _BLOCKED:
            raise ModuleNotFoundError(f'No module named {name!r} (not available in the sandbox)', name=name)
        return None

    @staticmethod
    def invalidate_caches():
        pass


def _seal():
    for finder in sys.meta_path:
        if type(finder).__name__ == 'JsFinder':
            # It holds the js and pyodide_js proxies, reachable through the garbage collector.
            finder.jsproxies.clear()
    sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != 'JsFinder']
    sys.meta_path.insert(0, _BlockedImports)
    for name in list(sys.modules):
        if name.partition('.')[0] in _BLOCKED:
            del sys.modules[name]
    for name in list(os.environ):
        if name not in ('HOME', 'PATH', 'LANG'):
            del os.environ[name]


def _compile(code):
    tree = ast.parse(code, filename=_USER_FILE, mode='exec')
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), _USER_FILE, 'eval', dont_inherit=True)
    return compile(tree, _USER_FILE, 'exec', dont_inherit=True), last


def _settle(value):
    if not isinstance(value, types.CoroutineType):
        return value
    while True:
        try:
            yielded = value.send(None)
        except StopIteration as stop:
            return stop.value
        if yielded is not None:
            value.close()
            raise RuntimeError('main awaited something that needs an event loop; the sandbox has no timers or I/O')


def _describe(error):
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == _USER_FILE]
    head = 'Traceback (most recent call last):\n' + ''.join(traceback.format_list(frames[-20:])) if frames else ''
    return (head + ''.join(traceback.format_exception_only(type(error), error))).strip()[-4000:]


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def _execute(code, input_value, output_limit):
    linecache.cache[_USER_FILE] = (len(code), None, code.splitlines(True), _USER_FILE)
    try:
        body, last = _compile(code)
    except (SyntaxError, ValueError, OverflowError, RecursionError) as error:
        return ('error', 'syntax_error', _describe(error))
    namespace = {'__name__': '__main__', '__builtins__': builtins, 'input': input_value}
    exec(body, namespace)
    value = eval(last, namespace) if last is not None else None
    main = namespace.get('main')
    if callable(main):
        value = main(input_value)
    value = _settle(value)
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(',', ':'))
    except (TypeError, ValueError, RecursionError) as error:
        return ('error', 'runtime_error', f'The result is not JSON-serialisable: {type(error).__name__}: {error}')
    if len(text) > output_limit:
        return ('error', 'output_limit', f'The result is larger than the output cap of {output_limit} bytes')
    return ('ok', '', text)


def run(code, input_json, output_limit):
    try:
        return _execute(code, json.loads(input_json), output_limit)
    except MemoryError as error:
        return ('error', 'memory', _describe(error))
    except BaseException as error:
        return ('error', 'runtime_error', _describe(error))
    finally:
        _flush()


_seal()
run
`;
