#!/usr/bin/python3
"""Independent check of the Confluent wire format, with Debian's python3-confluent-kafka and python3-avro.

  encode <registry-url> <topic> <schema.avsc> <record.json>   print the framed bytes as hex
  decode <registry-url> <hex>                                print the record as JSON

Records are exchanged as JSON with timestamp-millis fields in epoch milliseconds and bytes fields as
latin-1 strings, so that the Java side can compare them field by field.
"""
import binascii
import datetime
import json
import sys

from confluent_kafka import avro as confluent_avro
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_avro(schema, value):
    """JSON value -> what python3-avro's writer expects for that schema."""
    kind = schema.type
    if kind == "union":
        if value is None:
            return None
        branch = next(s for s in schema.schemas if s.type != "null")
        return to_avro(branch, value)
    if kind == "record":
        return {f.name: to_avro(f.type, value.get(f.name)) for f in schema.fields}
    if kind == "array":
        return [to_avro(schema.items, v) for v in value]
    if kind == "map":
        return {k: to_avro(schema.values, v) for k, v in value.items()}
    if kind == "bytes":
        return value.encode("latin-1")
    if kind == "long" and schema.props.get("logicalType") == "timestamp-millis":
        return EPOCH + datetime.timedelta(milliseconds=value)
    return value


def to_json(value):
    if isinstance(value, datetime.datetime):
        return int((value - EPOCH) / datetime.timedelta(milliseconds=1))
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def main(argv):
    command, url = argv[1], argv[2]
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": url}))
    if command == "encode":
        topic, schema_path, record_path = argv[3], argv[4], argv[5]
        schema = confluent_avro.load(schema_path)
        with open(record_path) as f:
            record = to_avro(schema, json.load(f))
        print(binascii.hexlify(serializer.encode_record_with_schema(topic, schema, record)).decode())
    elif command == "decode":
        record = serializer.decode_message(binascii.unhexlify(argv[3]))
        print(json.dumps(to_json(record), sort_keys=True))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main(sys.argv)
