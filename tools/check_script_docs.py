#!/usr/bin/env python3
"""Compares the Lua API that sim/*.c registers with docs/scripting.md.

Usage: python3 tools/check_script_docs.py [--ember sim/ember]

Read from the C sources (static, no build needed): the functions of the
`ember` table and the methods of each object (luaL_Reg tables), the fields
and methods an __index function answers (strcmp(key, "...")), the option keys
of every options table (`keys[] = {...}`) and the LTC circuit parameters.
With --ember, the functions registered at run time (the rate rules, one per
C rule) are read from a script run by that binary too.

Every name found must appear in the document in backquotes; every `ember.X`,
`pop:X`, `proj:X`, `src:X` and `series:X` the document names must exist.
Exits 1 and lists the differences, else prints a summary and exits 0.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OBJECT_OF_FILE = {"lua_population.c": "pop", "lua_projection.c": "proj",
                  "lua_plasticity.c": "proj", "lua_current.c": "src", "lua_ltc.c": "series"}


def read_sources():
    sim = os.path.join(ROOT, "sim")
    return {f: open(os.path.join(sim, f)).read() for f in sorted(os.listdir(sim))
            if f.startswith("lua_") and f.endswith(".c")}


def c_tables(src):
    """(array name, [strings]) of every static string or luaL_Reg table."""
    for m in re.finditer(r"(?:luaL_Reg|char \*const)\s+(\w+)\[\]\s*=\s*\{(.*?)\};", src, re.S):
        yield m.group(1), re.findall(r'"(\w+)"', m.group(2))


def registered(sources):
    funcs, methods, fields, options = set(), {}, {}, {}
    for f, src in sources.items():
        obj = OBJECT_OF_FILE.get(f)
        for name, strings in c_tables(src):
            strings = [s for s in strings if not s.startswith("__")]
            if name == "fns":
                funcs.update(strings)
            elif name in ("methods", "ember_lua_plasticity_methods") and obj:
                methods.setdefault(obj, set()).update(strings)
            elif name in ("keys", "circuit_params"):
                options.setdefault(f, set()).update(strings)
        for m in re.finditer(r"static int \w+_index\(.*?\n\}", src, re.S):
            keys = re.findall(r'strcmp\(key, "(\w+)"\)', m.group(0))
            fields.setdefault(obj, set()).update(keys)
    funcs.update(re.findall(r'lua_setfield\(L, -2, "(version)"\)', sources.get("lua_api.c", "")))
    return funcs, methods, fields, options


def runtime_functions(ember):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as t:
        t.write("for k in pairs(ember) do print('NAME', k) end\n")
    try:
        out = subprocess.run([ember, "run", t.name, "-o", t.name + ".out", "--quiet"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(t.name)
    return {line.split()[1] for line in out.splitlines() if line.startswith("NAME")}


def main():
    ember = sys.argv[sys.argv.index("--ember") + 1] if "--ember" in sys.argv else None
    doc = open(os.path.join(ROOT, "docs", "scripting.md")).read()
    code_spans = " ".join(re.findall(r"`([^`]*)`", doc)) + " " + " ".join(
        re.findall(r"^    .*$", doc, re.M))   # indented code blocks too
    funcs, methods, fields, options = registered(read_sources())
    if ember:
        funcs |= runtime_functions(ember)
    missing, unknown = [], []

    def documented(word):
        return re.search(r"(?<![\w])" + re.escape(word) + r"(?![\w])", code_spans)

    for f in sorted(funcs):
        if not re.search(r"ember\." + re.escape(f) + r"(?!\w)", code_spans):
            missing.append("function ember." + f)
    for obj, names in sorted(methods.items()):
        for n in sorted(names):
            if not re.search(re.escape(obj) + ":" + re.escape(n) + r"(?!\w)", code_spans):
                missing.append("method %s:%s" % (obj, n))
    for obj, names in sorted(fields.items()):
        for n in sorted(names - methods.get(obj, set())):
            if not documented(n):
                missing.append("field %s.%s" % (obj, n))
    for f, names in sorted(options.items()):
        for n in sorted(names):
            if not documented(n):
                missing.append("option %s (%s)" % (n, f))
    for f in sorted(set(re.findall(r"ember\.(\w+)", code_spans))):
        if f not in funcs and (ember or f not in ("hebb", "oja", "bcm")):
            unknown.append("ember." + f)
    for obj, m in sorted(set(re.findall(r"\b(pop|proj|src|series):(\w+)", code_spans))):
        if m not in methods.get(obj, set()) | fields.get(obj, set()):
            unknown.append("%s:%s" % (obj, m))
    for line in missing:
        print("not documented: " + line)
    for line in unknown:
        print("documented but not registered: " + line)
    n_opt = sum(len(v) for v in options.values())
    print("%d functions, %d methods, %d option keys checked" %
          (len(funcs), sum(len(v) for v in methods.values()), n_opt))
    return 1 if missing or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
