import json
import urllib.parse

import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    """Runs for every object created in the bucket: a text file's lines, words and characters are
    counted, and the counts written to analysis/<key>.json in the same bucket."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded
        print(f"{record['eventName']}: s3://{bucket}/{key} ({record['s3']['object'].get('size', 0)} bytes)")
        if key.startswith("analysis/"):
            continue  # a result this function wrote: analysing it would never end
        kind = s3.head_object(Bucket=bucket, Key=key).get("ContentType", "")
        if kind.startswith("text/"):
            analyse_text(bucket, key)
        else:
            print(f"not analysed: {kind or 'no content type'} is not text")
    return {"statusCode": 200, "body": json.dumps("processed")}


def analyse_text(bucket, key):
    """Count the text of s3://bucket/key and write the counts beside it, under analysis/."""
    text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
    counts = {"file": key, "lines": len(text.splitlines()), "words": len(text.split()), "characters": len(text)}
    target = f"analysis/{key}.json"
    s3.put_object(Bucket=bucket, Key=target, Body=json.dumps(counts, indent=2), ContentType="application/json")
    print(f"wrote s3://{bucket}/{target}")
