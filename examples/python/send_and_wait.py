#!/usr/bin/python3
"""Send one call to Tollgate and wait for its outcome, with Confluent's Python client.

Needs Debian's python3-confluent-kafka and python3-avro (or pip's confluent-kafka[avro]).

  send_and_wait.py --bootstrap-servers HOST:PORT --schema-registry URL [--json]
                   [--account acme] [--credential pipedrive/acme-main] [--path /api/v2/deals/1]
                   [--topic-prefix tollgate.] [--timeout 60]

The call goes to <prefix>requests as Confluent Avro through the registry (ApiRequest.avsc beside this
script), or as a JSON object with --json; either way keyed by its account. Its outcome comes back on
<prefix>results (the vendor's answer) or <prefix>rejected (refused, with the reason), matched here by
request id. Prints the outcome as one JSON line; exits 0 when the vendor answered 2xx, 1 otherwise.
"""
import argparse
import datetime
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka import avro as confluent_avro
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ApiRequest.avsc")


def the_call(args, request_id):
    return {
        "request_id": request_id, "account": args.account, "credential_ref": args.credential, "auth_kind": "API_TOKEN",
        "user": None, "integration": "python-example", "vendor": None, "method": "GET", "path": args.path,
        "api_version": "v2", "category": None, "cost": None, "priority": 0, "deadline": None, "body": None, "headers": {},
    }


def send(args, serializer, request_id):
    producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    call = the_call(args, request_id)
    if args.json:
        call["submitted_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        value = json.dumps({k: v for k, v in call.items() if v is not None}).encode()
    else:
        call["submitted_at"] = datetime.datetime.now(datetime.timezone.utc)
        value = serializer.encode_record_with_schema(args.topic_prefix + "requests", confluent_avro.load(SCHEMA), call)
    producer.produce(args.topic_prefix + "requests", key=args.account.encode(), value=value)
    if producer.flush(30) != 0:
        raise SystemExit("the call could not be sent within 30 s")


def wait_for_outcome(args, serializer, request_id):
    consumer = Consumer({"bootstrap.servers": args.bootstrap_servers, "group.id": "example-" + request_id,
                         "auto.offset.reset": "earliest", "isolation.level": "read_committed", "enable.auto.commit": False})
    consumer.subscribe([args.topic_prefix + "results", args.topic_prefix + "rejected"])
    deadline = time.time() + args.timeout
    try:
        while time.time() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error() is not None or message.value() is None:
                continue
            record = serializer.decode_message(message.value())
            if record.get("request_id") != request_id:
                continue
            if message.topic().endswith("rejected"):
                return {"request_id": request_id, "outcome": "REJECTED", "reason": record["reason"], "detail": record["detail"]}
            return {"request_id": request_id, "outcome": record["outcome"], "status": record.get("status"),
                    "latency_ms": record.get("latency_ms")}
    finally:
        consumer.close()
    return {"request_id": request_id, "outcome": "NO_ANSWER", "detail": "nothing on results or rejected within %d s" % args.timeout}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry", required=True)
    parser.add_argument("--json", action="store_true", help="send the call as JSON instead of Avro")
    parser.add_argument("--account", default="acme")
    parser.add_argument("--credential", default="pipedrive/acme-main")
    parser.add_argument("--path", default="/api/v2/deals/1")
    parser.add_argument("--topic-prefix", default="tollgate.")
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args()

    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.schema_registry}))
    request_id = "python-" + uuid.uuid4().hex
    send(args, serializer, request_id)
    outcome = wait_for_outcome(args, serializer, request_id)
    print(json.dumps(outcome, sort_keys=True))
    status = outcome.get("status")
    sys.exit(0 if outcome["outcome"] == "SUCCESS" and status is not None and 200 <= status < 300 else 1)


if __name__ == "__main__":
    main()
