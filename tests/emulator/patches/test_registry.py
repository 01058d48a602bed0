"""The patch registry: declared, ordered, each with its gap; and the moto version guard."""

from __future__ import annotations

import dataclasses

import pytest

from grader.emulator import patches


def test_version_guard_refuses_untested_moto():
    patches.check_version("5.2.5")
    patches.check_version("5.2.1")
    for untested in ("5.3.0", "5.1.22", "6.0.0"):
        with pytest.raises(patches.UntestedMotoVersion, match=untested):
            patches.check_version(untested)


def test_every_patch_is_declared_once_with_its_gap_and_its_service_module():
    names = [patch.name for patch in patches.PATCHES]
    assert len(names) == len(set(names))
    for patch in patches.PATCHES:
        assert patch.gap and "\n" not in patch.gap, patch.name
        module = patch.apply.__module__.rsplit(".", 1)[-1]
        # The service's module, or one of its own when it has several (lambda_packages).
        assert module.rstrip("_").replace("_", "-") in (patch.service, "enforcement") or \
            module.startswith(patch.service.replace("-", "_") + "_"), patch.name


def test_every_patch_function_of_a_service_module_is_registered():
    import inspect

    registered = {patch.apply for patch in patches.PATCHES}
    for module in (patches.apigateway, patches.application_autoscaling, patches.cloudwatch, patches.enforcement,
                   patches.iam, patches.lambda_, patches.lambda_aliases, patches.lambda_concurrency,
                   patches.lambda_packages, patches.lambda_permissions, patches.lambda_roles, patches.lambda_states,
                   patches.s3, patches.service_quotas, patches.sqs):
        public = {function for name, function in inspect.getmembers(module, inspect.isfunction)
                  if not name.startswith("_") and function.__module__ == module.__name__}
        assert public <= registered, f"{module.__name__}: not in PATCHES: {public - registered}"


def test_apply_walks_the_registry_once(emulator):
    assert patches._applied  # the emulator fixture applied them
    patches.apply()  # idempotent


def test_switches_come_from_emulator_options_then_environment_then_on_as_on_aws(monkeypatch):
    from grader.emulator import SCALING_ALARMS_VARIABLE, SETTLE_SECONDS_VARIABLE, Emulator, EmulatorUnavailable

    monkeypatch.delenv(SETTLE_SECONDS_VARIABLE, raising=False)
    monkeypatch.delenv(SCALING_ALARMS_VARIABLE, raising=False)
    assert (Emulator()._settle_seconds(), Emulator()._scaling_alarms()) == (1.0, True)
    monkeypatch.setenv(SETTLE_SECONDS_VARIABLE, "0")
    monkeypatch.setenv(SCALING_ALARMS_VARIABLE, "0")
    assert (Emulator()._settle_seconds(), Emulator()._scaling_alarms()) == (0.0, False)
    monkeypatch.setenv(SETTLE_SECONDS_VARIABLE, "2.5")
    monkeypatch.setenv(SCALING_ALARMS_VARIABLE, "1")
    assert (Emulator()._settle_seconds(), Emulator()._scaling_alarms()) == (2.5, True)
    assert (Emulator(settle_seconds=0, scaling_alarms=False)._settle_seconds(),
            Emulator(settle_seconds=0, scaling_alarms=False)._scaling_alarms()) == (0.0, False)
    monkeypatch.setenv(SETTLE_SECONDS_VARIABLE, "soon")
    with pytest.raises(EmulatorUnavailable, match=SETTLE_SECONDS_VARIABLE):
        Emulator()._settle_seconds()


def test_the_concurrency_quota_is_high_unless_a_new_account_is_asked_for(monkeypatch):
    from grader.emulator import CONCURRENCY_QUOTA_VARIABLE, Emulator, EmulatorUnavailable

    monkeypatch.delenv(CONCURRENCY_QUOTA_VARIABLE, raising=False)
    assert Emulator()._concurrency_quota() >= 10_000  # a whole class fits in one account
    monkeypatch.setenv(CONCURRENCY_QUOTA_VARIABLE, "10")
    assert Emulator()._concurrency_quota() == 10 and Emulator(concurrency_quota=1000)._concurrency_quota() == 1000
    for wrong in ("ten", "0", "-5"):
        monkeypatch.setenv(CONCURRENCY_QUOTA_VARIABLE, wrong)
        with pytest.raises(EmulatorUnavailable, match=CONCURRENCY_QUOTA_VARIABLE):
            Emulator()._concurrency_quota()


def test_configure_sets_only_known_switches_and_returns_the_previous_ones():
    saved = patches.configure()
    try:
        assert patches.configure(settle_seconds=1.5) == saved
        assert patches.SWITCHES.settle_seconds == 1.5
        with pytest.raises(TypeError, match="no such emulator switch"):
            patches.configure(settle=1)
    finally:
        patches.configure(**dataclasses.asdict(saved))
