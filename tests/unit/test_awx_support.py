# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX credential type and the execution environment metadata agree with the modules."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.scalingo.cloud.plugins.module_utils._options import invalid_input_reason, scalingo_argument_spec
from tests.conftest import REPO_ROOT
from tests.simulator import DEFAULT_API_TOKEN

IMPORT_DOCUMENT = yaml.safe_load((REPO_ROOT / "awx" / "scalingo-credential-type.yml").read_text())
[CREDENTIAL_TYPE] = IMPORT_DOCUMENT["credential_types"]


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


def inject(inputs: dict[str, str]) -> dict[str, str]:
    """The environment AWX gives a job for a credential with these inputs: its injector, rendered as AWX does.

    AWX renders each injector template in a sandboxed Jinja2 environment, with the credential's inputs as
    variables; an input the credential does not have is undefined (Jinja2's default Undefined), so renders empty.
    """
    environment = ImmutableSandboxedEnvironment()
    return {variable: environment.from_string(template).render(**inputs)
            for variable, template in CREDENTIAL_TYPE["injectors"]["env"].items()}


def test_every_injected_value_is_an_input_of_the_credential() -> None:
    for variable, template in CREDENTIAL_TYPE["injectors"]["env"].items():
        [field] = re.findall(r"^\{\{ (\w+)(?: \| default\('[\w-]+', true\))? \}\}$", template)
        assert field in fields(), variable


def test_a_credential_made_without_a_region_injects_the_modules_default_region() -> None:
    # Created through AWX's API or awx.awx, a credential has only the inputs it was given: no form fills defaults.
    environment = inject({"api_token": DEFAULT_API_TOKEN})

    assert set(CREDENTIAL_TYPE["inputs"]["required"]) == {"api_token"}
    assert environment["SCALINGO_REGION"] == scalingo_argument_spec()["region"]["default"]
    assert environment["SCALINGO_API_URL"] == "" and environment["SCALINGO_DATABASE_API_URL"] == ""
    assert inject({"api_token": DEFAULT_API_TOKEN, "region": "osc-secnum-fr1"})["SCALINGO_REGION"] == "osc-secnum-fr1"
    assert inject({"api_token": DEFAULT_API_TOKEN, "region": ""})["SCALINGO_REGION"] == "osc-fr1"


def test_the_injected_environment_of_a_credential_without_region_is_one_the_modules_take(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable, value in inject({"api_token": DEFAULT_API_TOKEN}).items():
        monkeypatch.setenv(variable, value)
    spec = scalingo_argument_spec()
    result = ArgumentSpecValidator(spec).validate({})

    assert result.error_messages == []
    assert invalid_input_reason(result.validated_parameters, spec) is None
    assert result.validated_parameters["region"] == "osc-fr1"


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


def test_awx_import_finds_the_credential_type_by_its_natural_key() -> None:
    # awxkit's import looks a credential type up by its name and kind (its NATURAL_KEY), then creates or updates it.
    assert CREDENTIAL_TYPE["natural_key"] == {
        "name": CREDENTIAL_TYPE["name"], "kind": CREDENTIAL_TYPE["kind"], "type": "credential_type"}
    assert CREDENTIAL_TYPE["kind"] == "cloud"
