"""The layers of DESIGN.md §5, held by import-linter in the test run, and the start-up refusal of a rule
parameter that its app did not declare."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "lint-imports"), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 2 kept, 0 broken." in run.stdout


def test_the_contracts_catch_an_upward_import_and_a_reach_into_another_apps_internals(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        ".*", "var", "media", "static", "templates", "node_modules", "screenshots", "__pycache__", "*.pyc"))
    with open(tree / "core" / "numbers.py", "a") as f:
        f.write("\n\ndef _upward():\n    from projects import models  # noqa\n")
    with open(tree / "projects" / "views.py", "a") as f:
        f.write("\n\ndef _internal():\n    from budgets import forms  # noqa\n")
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "lint-imports"), "--no-cache"], cwd=tree,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "core.numbers -> projects.models" in run.stdout and "projects.views -> budgets.forms" in run.stdout
    assert "Contracts: 0 kept, 2 broken." in run.stdout


def test_run_tests_checks_the_contracts_before_pytest_and_fails_on_them():
    script = (ROOT / "scripts" / "run_tests.sh").read_text()
    assert script.index("if ! .venv/bin/lint-imports") < script.index(".venv/bin/pytest")
    assert "exit 1" in script[script.index("lint-imports"):script.index(".venv/bin/pytest")]


def _start(tmp_path, name: str) -> subprocess.CompletedProcess:
    """Starts Django with one more app that reads rule parameter `name` and declares open_tender_threshold."""
    app = tmp_path / "typo_app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "apps.py").write_text(textwrap.dedent("""
        from django.apps import AppConfig


        class TypoAppConfig(AppConfig):
            name = "typo_app"
            rule_parameters = {"open_tender_threshold": "decimal"}
    """))
    (app / "services.py").write_text(textwrap.dedent(f"""
        from core import params

        PARAMS = params.of("typo_app")


        def threshold(unit):
            return PARAMS.{name}(region_code=unit.region.code)
    """))
    (tmp_path / "typo_settings.py").write_text(
        "from zhengcai.settings import *  # noqa\nINSTALLED_APPS = [*INSTALLED_APPS, 'typo_app']\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": "typo_settings"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_typo_in_a_rule_parameter_name_stops_the_start_up(tmp_path):
    run = _start(tmp_path, "open_tender_treshold")
    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr
    assert "typo_app/services.py:8: rule parameter 'open_tender_treshold' is not declared by typo_app" in run.stderr


def test_the_declared_name_starts(tmp_path):
    run = _start(tmp_path, "open_tender_threshold")
    assert run.returncode == 0, run.stderr
