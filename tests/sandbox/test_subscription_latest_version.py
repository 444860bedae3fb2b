"""A new subscription definition version becomes the definition's latest, as in AWS."""


def test_new_subscription_version_is_latest(sandbox):
    gg = sandbox.boto3_client("greengrass")
    target = "arn:aws:lambda:%s:123456789012:function:f:live" % sandbox.region
    d = gg.create_subscription_definition(Name=sandbox.unique_name("subs"), InitialVersion={
        "Subscriptions": [{"Id": "a", "Source": "cloud", "Subject": "a/b", "Target": target}]})
    v = gg.create_subscription_definition_version(
        SubscriptionDefinitionId=d["Id"],
        Subscriptions=[{"Id": "b", "Source": "cloud", "Subject": "a/+", "Target": target}])
    got = gg.get_subscription_definition(SubscriptionDefinitionId=d["Id"])
    assert got["LatestVersion"] == v["Version"] != d["LatestVersion"]
    assert got["LatestVersionArn"] == v["Arn"]
    listed = [x for x in gg.list_subscription_definitions()["Definitions"] if x["Id"] == d["Id"]][0]
    assert listed["LatestVersion"] == v["Version"]
