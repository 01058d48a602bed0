"""checks/python_source.py and checks/python_behaviour.py: what code does, read from its syntax tree.

Lambda's import order, which ``resolve`` follows: the function's package (``$LAMBDA_TASK_ROOT``,
``/var/task``) first, then ``/opt/python/lib/pythonN.N/site-packages``, then ``/opt/python`` (AWS's Python
base images, ``bootstrap.py`` ``set_default_sys_path``: "precedence: LAMBDA_TASK_ROOT ->
/opt/python/lib/pythonN.N/site-packages -> /opt/python"; Lambda Developer Guide, *Building with Python*,
"the runtime searches the $LAMBDA_TASK_ROOT directory first", and "Layer paths for each Lambda runtime":
``python`` and ``python/lib/python3.x/site-packages``). Layers are merged in the order the function lists
them ("Adding layers to functions": the order you add the layers is the order Lambda merges their
content), so a later layer's file is the one found.
"""

from __future__ import annotations

import sys

import pytest

from checks import python_behaviour as behaviour
from checks import python_source as source
from checks.python_source import CodeProblem, HandlerMissing
from grader.aws.errors import FactUnavailable
from grader.aws.packages import Package


def modules(files: dict[str, str], handler: str = "lambda_function.lambda_handler") -> list[source.Source]:
    package = Package.of(files)
    return source.own_modules(package, source.find_handler(package, handler).source)


# --- parsing and the handler ------------------------------------------------------------------------


def test_a_syntax_error_names_file_and_line():
    package = Package.of({"lambda_function.py": "import json\n\ndef lambda_handler(e, c)\n    return 1\n"})
    with pytest.raises(CodeProblem, match=r"^lambda_function.py:3: expected ':'$"):
        source.parse(package, "lambda_function.py")


def test_null_bytes_are_a_problem_of_the_file_not_a_crash():
    with pytest.raises(CodeProblem, match=r"^app.py:1: "):
        source.parse(Package.of({"app.py": "x = 1\x00\n"}), "app.py")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses these f-strings")
def test_an_f_string_only_python_3_12_parses_is_the_graders_limit_not_the_students_mistake():
    package = Package.of({"app.py": 'names = {"a": 1}\nprint(f"{names["a"]}")\n'})
    with pytest.raises(FactUnavailable, match="grade with 3.12"):
        source.parse(package, "app.py")


def test_a_source_the_reader_skipped_says_why():
    package = Package(names=("app.py",), skipped={"app.py": "larger than 1 MB"})
    with pytest.raises(CodeProblem, match="^app.py was not read: larger than 1 MB$"):
        source.parse(package, "app.py")


@pytest.mark.parametrize(
    "setting, path",
    [
        ("lambda_function.lambda_handler", "lambda_function.py"),
        ("app.main", "app.py"),
        ("src.app.main", "src/app.py"),
        ("src/app.main", "src/app.py"),
        ("pkg.main", "pkg/__init__.py"),
    ],
)
def test_the_handler_setting_names_a_module_as_lambda_splits_it(setting, path):
    function = setting.rpartition(".")[2]
    package = Package.of({path: f"def {function}(event, context):\n    return 1\n"})
    found = source.find_handler(package, setting)
    assert (found.source.path, found.function, found.line) == (path, function, 1)


@pytest.mark.parametrize(
    "setting, files, message",
    [
        (
            "app.main",
            {"lambda_function.py": ""},
            "the handler app.main names app.py, which is not in the package; it holds lambda_function.py",
        ),
        ("app.main", {"app.py": "def other(): pass\n"}, "app.py defines no main (the handler setting is app.main)"),
        (
            "lambda_function",
            {"lambda_function.py": ""},
            "the handler setting 'lambda_function' is not <module>.<function>",
        ),
        (None, {}, "the handler setting None is not <module>.<function>"),
    ],
)
def test_a_handler_the_package_does_not_have_says_what_is_missing(setting, files, message):
    with pytest.raises(HandlerMissing) as raised:
        source.find_handler(Package.of(files), setting)
    assert str(raised.value) == message


def test_a_package_that_cannot_be_judged_says_why():
    with pytest.raises(CodeProblem, match="^the package cannot be judged: not a zip archive$"):
        source.find_handler(Package.broken("not a zip archive"), "lambda_function.lambda_handler")


@pytest.mark.parametrize(
    "binding",
    [
        "def lambda_handler(e, c): pass",
        "lambda_handler = main",
        "from app import main as lambda_handler",
        "try:\n    from fast import lambda_handler\nexcept ImportError:\n    pass",
        "if True:\n    class lambda_handler: pass",
    ],
)
def test_any_top_level_binding_defines_the_handler(binding):
    package = Package.of({"lambda_function.py": f"def main(e, c): pass\n{binding}\n"})
    assert source.find_handler(package, "lambda_function.lambda_handler").function == "lambda_handler"


def test_a_function_defined_inside_another_is_not_the_modules():
    package = Package.of({"lambda_function.py": "def outer():\n    def lambda_handler(e, c): pass\n"})
    with pytest.raises(HandlerMissing):
        source.find_handler(package, "lambda_function.lambda_handler")


def test_another_handler_setting_is_suggested_when_the_package_has_one():
    package = Package.of({"lambda_function.py": "def lambda_handler(e, c): pass\n", "app.py": "x = 1\n"})
    assert source.handler_elsewhere(package, "app.lambda_handler") == "lambda_function.lambda_handler"
    assert source.handler_elsewhere(package, "lambda_function.main") == "lambda_function.lambda_handler"
    assert (
        source.handler_elsewhere(Package.of({"app.py": "def main(e, c): pass\n"}), "lambda_function.main") == "app.main"
    )
    assert source.handler_elsewhere(Package.of({"app.py": "x = 1\n"}), "lambda_function.main") is None


# --- where imports resolve ---------------------------------------------------------------------------


def layer(*paths: str) -> Package:
    return Package.of({path: "x = 1\n" for path in paths})


def test_the_functions_package_comes_before_its_layers():
    found = source.resolve("utils", Package.of({"utils.py": ""}), [layer("python/utils.py")])
    assert found == source.Located("utils.py", None)


def test_site_packages_come_before_python_and_a_later_layer_over_an_earlier():
    first, second = layer("python/utils.py"), layer("python/lib/python3.12/site-packages/utils.py", "python/utils.py")
    assert source.resolve("utils", Package.of({}), [first, second]) == source.Located(
        "python/lib/python3.12/site-packages/utils.py", 1
    )
    assert source.resolve("utils", Package.of({}), [second, layer("python/utils.py")]) == source.Located(
        "python/lib/python3.12/site-packages/utils.py", 0
    )
    assert source.resolve(
        "utils", None, [layer("python/utils.py"), layer("python/utils/__init__.py")]
    ) == source.Located("python/utils/__init__.py", 1)


def test_another_pythons_site_packages_and_files_outside_python_are_not_on_the_path():
    assert source.resolve("utils", None, [layer("python/lib/python3.11/site-packages/utils.py", "utils.py")]) is None
    assert (
        source.resolve("utils", None, [layer("python/lib/python3.11/site-packages/utils.py")], "python3.11") is not None
    )
    assert source.resolve("utils", None, [None]) is None  # a layer version that is gone


def test_a_submodule_import_resolves_its_top_level_package():
    assert (
        source.resolve("dateutil.parser", None, [layer("python/dateutil/__init__.py")]).path
        == "python/dateutil/__init__.py"
    )


def test_the_handler_runs_the_students_modules_it_imports_not_those_pip_installed():
    files = {
        "lambda_function.py": "import service\nfrom pkg import helpers\nimport requests\nimport json\n"
        "def lambda_handler(e, c): pass\n",
        "service.py": "from . import nothing\nfrom pkg.deep import x\n",
        "pkg/__init__.py": "",
        "pkg/helpers.py": "from .deep import y\n",
        "pkg/deep.py": "y = 1\n",
        "requests/__init__.py": "raise ValueError\n",
        "requests-2.31.0.dist-info/METADATA": "",
        "unused.py": "raise ValueError\n",
    }
    assert sorted(m.path for m in modules(files)) == [
        "lambda_function.py",
        "pkg/__init__.py",
        "pkg/deep.py",
        "pkg/helpers.py",
        "service.py",
    ]


def test_an_imported_module_that_does_not_parse_is_the_handlers_problem():
    with pytest.raises(CodeProblem, match=r"^helper.py:1: "):
        modules({"lambda_function.py": "import helper\ndef lambda_handler(e, c): pass\n", "helper.py": "def (:\n"})


def test_pip_names_its_distributions_otherwise_than_their_modules():
    package = Package.of(
        {
            "python_dateutil-2.9.0.dist-info/RECORD": "",
            "PyYAML-6.0.dist-info/RECORD": "",
            "my.lib-1.0.egg-info/PKG-INFO": "",
        }
    )
    assert source.installed(package) == {"dateutil", "yaml", "my_lib"}


# --- names ------------------------------------------------------------------------------------------


def test_names_taken_from_a_module_through_any_alias():
    used = source.names_used_from(
        modules(
            {
                "lambda_function.py": (
                    "import utils as u\nfrom utils import Timer as T, log_event\nimport utils\nfrom utils import *\n"
                    "def lambda_handler(e, c):\n    u.format_response(200, {})\n    return utils.validate_input\n"
                )
            }
        ),
        "utils",
    )
    assert used == [
        ("Timer", "lambda_function.py:2"),
        ("log_event", "lambda_function.py:2"),
        ("*", "lambda_function.py:4"),
        ("format_response", "lambda_function.py:6"),
        ("validate_input", "lambda_function.py:7"),
    ]


def test_a_module_of_the_same_name_in_the_package_imported_relatively_is_not_the_layers():
    found = modules(
        {
            "pkg/app.py": "from .utils import format_response\ndef main(e, c): pass\n",
            "pkg/utils.py": "",
            "pkg/__init__.py": "",
        },
        "pkg.app.main",
    )
    assert source.names_used_from(found, "utils") == []


def test_names_defined_at_the_top_level():
    tree = source.parse(
        Package.of(
            {
                "m.py": (
                    "import os.path\nfrom x import y as z\nA, (B, C) = 1, (2, 3)\nD: int = 4\nE += 1\nclass F: pass\n"
                    "async def G(): pass\nwith open('f') as H:\n    I = 1\nfor J in []:\n    K = 1\ndef L():\n    M = 1\n"
                )
            }
        ),
        "m.py",
    ).tree
    assert list(source.defined_names(tree)) == ["os", "z", "A", "B", "C", "D", "E", "F", "G", "I", "K", "L"]


# --- what the code does -------------------------------------------------------------------------------


def one(text: str) -> list[source.Source]:
    return [source.parse(Package.of({"m.py": text}), "m.py")]


def test_environment_variables_read_every_way():
    read = behaviour.environment_reads(
        one(
            "import os\nimport os as system\nfrom os import environ, getenv as ge\nenv = os.environ\nKEY = 'F'\n"
            "a = os.environ['A']\nb = system.environ.get('B')\nc = environ['C']\nd = ge('D')\ne = env.get('E', 'x')\n"
            "f = os.getenv(KEY)\ng = [os.environ[n] for n in ('G', 'H', 3)]\nos.environ['SET'] = '1'\n"
            "other = {}['NOT']\nos.environ.get(name)\nos.environ.setdefault('I', '1')\nos.environ.pop('J', None)\n"
        )
    )
    assert read == {
        "A": "m.py:6",
        "B": "m.py:7",
        "C": "m.py:8",
        "D": "m.py:9",
        "E": "m.py:10",
        "F": "m.py:11",
        "G": "m.py:12",
        "H": "m.py:12",
        "SET": "m.py:13",
        "I": "m.py:16",
        "J": "m.py:17",
    }


def test_keys_returned_directly_through_a_local_name_or_a_helper():
    returned = behaviour.returned_keys(
        one(
            "def a():\n    return {'direct': 1, **{'spread': 2}}\n"
            "def b():\n    out = {'built': []}\n    out['assigned'] = 1\n    out.update(kw=1)\n    out.update({'merged': 1})\n"
            "    out.setdefault('default', 1)\n    other = {}\n    other['not_out'] = 1\n    out.update()\n"
            "    out.setdefault()\n    return out\n"
            "def e():\n    return dict({'positional': 1}, named=2)\n"
            "def c(x):\n    return dict(called=1) if x else {'other': 2}\n"
            "def d():\n    def inner():\n        return {'inner_only': 1}\n    other = {'never_returned': 1}\n    return None\n"
        )
    )
    assert set(returned) == {
        "direct",
        "spread",
        "built",
        "assigned",
        "kw",
        "merged",
        "default",
        "called",
        "other",
        "inner_only",
        "positional",
        "named",
    }
    assert returned["assigned"] == "m.py:5"


def test_keys_built_anywhere_and_keys_read():
    sources = one(
        "x = {'literal': 1}\ny = dict(keyword=1)\nz = {}\nz['stored'] = 1\nv = z['loaded']\nw = z.get('got')\n"
    )
    assert set(behaviour.dict_keys(sources)) == {"literal", "keyword", "stored"}
    assert set(behaviour.keys_read(sources)) == {"loaded", "got"}


def test_raises_and_calls():
    sources = one(
        "import time as t\nfrom time import sleep\nimport asyncio\ndef f(x):\n    assert x\n"
        "    if not x:\n        raise ValueError(x)\n    t.sleep(1)\n    sleep(2)\n    asyncio.sleep(3)\n"
    )
    assert behaviour.raises(sources) == ["m.py:5", "m.py:7"]
    assert [at for at, _ in behaviour.calls(sources, "time.sleep")] == ["m.py:8", "m.py:9"]


# --- the corners (each holds one decision of the reader) ----------------------------------------------


@pytest.mark.parametrize(
    "text, message", [("a" + "+a" * 200000, "maximum recursion depth exceeded"), ("not " * 100000 + "x", "MemoryError")]
)
def test_code_too_deep_to_parse_is_a_problem_of_its_first_line(text, message):
    with pytest.raises(CodeProblem) as raised:
        source.parse(Package.of({"m.py": text}), "m.py")
    assert str(raised.value).startswith(f"m.py:1: {message}")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses these f-strings")
def test_the_f_string_limit_is_an_unreadable_fact_not_a_crash():
    with pytest.raises(FactUnavailable) as raised:
        source.parse(Package.of({"app.py": 'x = {"a": 1}\nf"{x["a"]}"\n'}), "app.py")
    assert (raised.value.action, raised.value.kind) == ("ast.parse", "unexpected")
    assert raised.value.detail.startswith("app.py:2: f-string")


def test_a_handler_in_a_folder_is_named_with_dots_or_slashes():
    assert source.handler_parts("src/app.main") == source.handler_parts("src.app.main") == ("src.app", "main")


def test_what_the_package_holds_is_said_from_its_root_five_at_most():
    files = {f"m{i}.py": "" for i in range(6)} | {"lib/deep.py": ""}
    with pytest.raises(HandlerMissing) as raised:
        source.find_handler(Package.of(files), "app.main")
    assert str(raised.value).endswith("; it holds m0.py, m1.py, m2.py, m3.py, m4.py")


def test_the_handler_suggested_is_a_module_of_the_students_own_in_dotted_form():
    package = Package.of(
        {
            "pkg/__init__.py": "def lambda_handler(e, c): pass\n",
            "src/app.py": "def main(e, c): pass\n",
            "requests/__init__.py": "def main(e, c): pass\n",
            "requests/api.py": "def main(e, c): pass\n",
            "requests-2.0.dist-info/RECORD": "",
        }
    )
    assert source.handler_elsewhere(package, "app.main") == "src.app.main"  # not pip's requests.main
    assert source.handler_elsewhere(package, "app.handler") == "pkg.lambda_handler"
    assert source.handler_elsewhere(package, None) == "pkg.lambda_handler"


def test_the_runtime_unknown_is_python_3_12_and_a_layer_gone_is_passed_over():
    assert source.resolve("utils", None, [layer("python/lib/python3.12/site-packages/utils.py")], None) is not None
    assert source.resolve("utils", None, [layer("python/utils.py"), None]) == source.Located("python/utils.py", 0)


@pytest.mark.parametrize(
    "dist_info, module",
    [
        ("python_dateutil-2.9.0", "dateutil"),
        ("PyYAML-6.0.1", "yaml"),
        ("beautifulsoup4-4.12.3", "bs4"),
        ("pillow-10.4.0", "pil"),
        ("PyJWT-2.8.0", "jwt"),
        ("python_dotenv-1.0.1", "dotenv"),
        ("attrs-23.2.0", "attr"),
        ("pyOpenSSL-24.1.0", "openssl"),
        ("requests-2.32.3", "requests"),
    ],
)
def test_each_distribution_is_known_by_its_module(dist_info, module):
    assert source.installed(Package.of({f"{dist_info}.dist-info/RECORD": ""})) == {module}


def test_pip_installed_modules_are_left_out_however_they_are_imported():
    files = {
        "lambda_function.py": "import requests.adapters\nfrom requests import api\nimport service\n"
        "def lambda_handler(e, c): pass\n",
        "requests/__init__.py": "",
        "requests/adapters.py": "",
        "requests/api.py": "",
        "requests-2.32.3.dist-info/RECORD": "",
        "service.py": "",
    }
    assert sorted(m.path for m in modules(files)) == ["lambda_function.py", "service.py"]


def test_relative_imports_resolve_against_the_modules_own_package():
    files = {
        "pkg/__init__.py": "",
        "pkg/helpers.py": "",
        "pkg/sub/__init__.py": "",
        "pkg/sub/leaf.py": "",
        "pkg/sub/mod.py": "from . import leaf\nfrom .. import helpers\nfrom ...top import t\ndef main(e, c): pass\n",
        "top.py": "t = 1\n",
        "leaf.py": "",
        "helpers.py": "",
        "sub/leaf.py": "",
    }  # decoys elsewhere
    # from ...top climbs above pkg, the top package: Python refuses it ("beyond top-level package").
    assert sorted(m.path for m in modules(files, "pkg.sub.mod.main")) == [
        "pkg/__init__.py",
        "pkg/helpers.py",
        "pkg/sub/__init__.py",
        "pkg/sub/leaf.py",
        "pkg/sub/mod.py",
    ]


def test_a_relative_import_outside_any_package_imports_nothing():
    files = {
        "lambda_function.py": "from . import helpers\nfrom .util import x\nimport service\ndef lambda_handler(e, c): pass\n",
        "helpers.py": "",
        "util.py": "",
        "service.py": "",
    }
    assert [m.path for m in modules(files)] == ["lambda_function.py", "service.py"]  # the imports after are read


def test_names_bound_in_every_branch_of_a_block_and_never_by_a_star():
    tree = source.parse(
        Package.of(
            {
                "m.py": (
                    "from x import *\ntry:\n    A = 1\nexcept ImportError:\n    B = 1\nelse:\n    C = 1\nfinally:\n    D = 1\n"
                    "if A:\n    E = 1\nelse:\n    F = 1\nwhile False:\n    G = 1\nelse:\n    H = 1\n"
                )
            }
        ),
        "m.py",
    ).tree
    assert list(source.defined_names(tree)) == ["A", "B", "C", "D", "E", "F", "G", "H"]


def test_aliases_of_aliases_in_any_order_and_imports_are_not_rebound():
    bound = source.imports_of(
        source.parse(
            Package.of(
                {
                    "m.py": (
                        "import os.path\nimport time\ndef f():\n    return c.get('X')\nc = b\nb = a\na = os.environ\ntime = os.sep\n"
                    )
                }
            ),
            "m.py",
        ).tree
    )
    assert (bound["a"], bound["b"], bound["c"], bound["os"], bound["time"]) == (
        "os.environ",
        "os.environ",
        "os.environ",
        "os",
        "time",
    )
