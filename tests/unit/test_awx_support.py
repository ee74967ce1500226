# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential type and the execution environment metadata agree with the modules."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ansible_collections.scalingo.cloud.plugins.module_utils._options import scalingo_argument_spec
from tests.conftest import REPO_ROOT

CREDENTIAL_TYPE = yaml.safe_load((REPO_ROOT / "awx" / "scalingo-credential-type.yml").read_text())


def environment_variables_the_modules_read() -> dict[str, str]:
    """Each environment variable a module option falls back to, and that option."""
    variables = {}
    for option, spec in scalingo_argument_spec().items():
        fallback = spec.get("fallback")
        if fallback:
            for variable in fallback[1]:
                variables[variable] = option
    return variables


def fields() -> dict[str, dict[str, Any]]:
    return {field["id"]: field for field in CREDENTIAL_TYPE["inputs"]["fields"]}


def test_every_injected_variable_is_one_the_modules_read() -> None:
    injected = CREDENTIAL_TYPE["injectors"]["env"]
    assert set(injected) <= set(environment_variables_the_modules_read())
    assert "SCALINGO_API_TOKEN" in injected


def test_every_injected_value_is_an_input_of_the_credential() -> None:
    for variable, template in CREDENTIAL_TYPE["injectors"]["env"].items():
        [field] = re.findall(r"^\{\{ (\w+) \}\}$", template)
        assert field in fields(), variable


def test_the_api_token_is_a_required_secret() -> None:
    token_field = fields()["api_token"]
    assert token_field["secret"] is True
    assert "api_token" in CREDENTIAL_TYPE["inputs"]["required"]
    assert not any(field.get("secret") for name, field in fields().items() if name != "api_token")


def test_the_region_choices_are_the_modules() -> None:
    assert fields()["region"]["choices"] == scalingo_argument_spec()["region"]["choices"]
    assert fields()["region"]["default"] == scalingo_argument_spec()["region"]["default"]


def test_the_execution_environment_metadata_names_the_requirements_file() -> None:
    metadata = yaml.safe_load((REPO_ROOT / "meta" / "execution-environment.yml").read_text())
    assert (REPO_ROOT / metadata["dependencies"]["python"]).is_file()
    assert "system" not in metadata["dependencies"]  # no system package needed: requests is pure Python
