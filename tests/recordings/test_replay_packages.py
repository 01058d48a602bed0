"""Recorded accounts serve their deployment packages too: ``GetFunction``'s ``Code.Location`` and
``GetLayerVersion``'s ``Content.Location`` (corpus lambda/GetFunction, lambda/GetLayerVersion) are URLs the
replay answers with the package's bytes, by range, through the session's ``package_transport``; so grading a
recorded student who is read by the code checks needs no network, in either gathering way."""

from __future__ import annotations

import pytest

from checks.building import zip_of
from checks.lambda_lab.solution import LAYER as LAB_LAYER
from checks.lambda_medium.solution import HANDLER, LAYER, function_zip
from grader.aws.facts import FactStore
from tests.recordings.accounts import code_sha256, lab_account, medium_account
from tests.recordings.replay import Unrecorded


@pytest.mark.parametrize("inventory", [False, True], ids=["direct", "inventory"])
def test_a_recorded_students_packages_are_served(inventory):
    account = medium_account("kim7", classmates=3)
    replay = account.replay()
    facts = FactStore(replay.session(region=account.region), inventory)()
    package = facts.function_package("layer-consumer-kim7")
    assert package.problem is None and package.sha256 == code_sha256(function_zip("layer-consumer"))
    assert "lambda_function.py" in package.sources
    layer = facts.layer_package(account.layer_arn("common-utils-layer-kim7", 1))
    assert layer.problem is None and "python/utils.py" in layer.sources and layer.sha256 == code_sha256(LAYER)
    assert facts.function_package("nobody-kim7") is None
    assert facts.layer_package(account.layer_arn("common-utils-layer-kim7", 9)) is None
    replay.check()
    # The classmates' functions hold one and the same package: one download for all of them.
    shared = facts.function_package("layer-consumer-kim70")
    assert shared.sha256 == code_sha256(HANDLER) and shared is not package
    for name in ("sqs-consumer-kim70", "layer-consumer-kim71", "sqs-consumer-student02"):
        assert facts.function_package(name) is shared
    # Read: layer-consumer-kim7's, the layer's (its directory and utils.py: a few ranges), the classmates' one.
    assert len({url.split("?")[0] for url, _ in replay.package_requests}) == 3


def test_a_students_own_code_is_served_as_deployed():
    account = medium_account("kim7", classmates=0)
    own = zip_of({"lambda_function.py": "import utils\n\ndef lambda_handler(event, context):\n    return utils.x()\n"})
    account.functions["layer-consumer-kim7"].package = own
    replay = account.replay()
    package = FactStore(replay.session(region=account.region))().function_package("layer-consumer-kim7")
    assert "utils.x()" in package.sources["lambda_function.py"] and package.sha256 == code_sha256(own)
    replay.check()


def test_the_lab_layer_is_its_own():
    account = lab_account()
    replay = account.replay()
    layer = FactStore(replay.session(region=account.region))().layer_package(account.layer_arn("common-utilities", 1))
    assert set(layer.sources) == {"python/common_utils.py"} and layer.sha256 == code_sha256(LAB_LAYER)
    replay.check()


def test_a_package_nothing_recorded_is_an_unanswered_request():
    account = medium_account("kim7", classmates=0)
    replay = account.replay()
    replay.package_source = lambda url: None  # the recordings lost the package
    facts = FactStore(replay.session(region=account.region))()
    with pytest.raises(Exception, match="could not be read"):
        facts.function_package("layer-consumer-kim7")
    with pytest.raises(Unrecorded, match="no package recorded there"):
        replay.check()
