"""API Gateway patches close their gaps."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.support.emulator import error_code


def test_rest_apis_and_their_resources_page_at_25_like_aws(own_account):
    apigw = own_account.client("apigateway")
    ids = {apigw.create_rest_api(name=f"api-{n}")["id"] for n in range(27)}
    first = apigw.get_rest_apis()
    assert len(first["items"]) == 25 and first["position"]
    listed = [api["id"] for page in apigw.get_paginator("get_rest_apis").paginate() for api in page["items"]]
    assert sorted(listed) == sorted(ids)
    api = sorted(ids)[0]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    for n in range(26):
        apigw.create_resource(restApiId=api, parentId=root, pathPart=f"r{n}")
    pages = list(apigw.get_paginator("get_resources").paginate(restApiId=api, PaginationConfig={"PageSize": 10}))
    assert [len(p["items"]) for p in pages] == [10, 10, 7]
    with pytest.raises(ClientError) as missing:
        apigw.get_resources(restApiId="nosuchapi")
    assert error_code(missing) == "NotFoundException"
