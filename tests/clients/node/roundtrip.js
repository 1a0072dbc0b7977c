// Drives a running registry with @kafkajs/confluent-schema-registry, as a Node producer would.
// Usage: node roundtrip.js http://127.0.0.1:PORT ; prints one JSON line of results.
const { SchemaRegistry, SchemaType } = require("@kafkajs/confluent-schema-registry");

async function main() {
  const registry = new SchemaRegistry({ host: process.argv[2] });
  const avro = {
    type: "record", name: "TokenUsage", namespace: "ai.llm",
    fields: [{ name: "model", type: "string" }, { name: "total_tokens", type: "long" }],
  };
  const { id: avroId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(avro) }, { subject: "usage-node-value" });
  const again = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(avro) }, { subject: "usage-node-value" });
  const encoded = await registry.encode(avroId, { model: "m", total_tokens: 7 });
  const decoded = await registry.decode(encoded);
  const latestId = await registry.getLatestSchemaId("usage-node-value");
  const bySubject = await registry.getRegistryIdBySchema(
    "usage-node-value", { type: SchemaType.AVRO, schema: JSON.stringify(avro) });

  const json = { type: "object", properties: { prompt: { type: "string" } }, required: ["prompt"] };
  const { id: jsonId } = await registry.register(
    { type: SchemaType.JSON, schema: JSON.stringify(json) }, { subject: "prompts-node-value" });
  const jsonDecoded = await registry.decode(await registry.encode(jsonId, { prompt: "hi" }));

  const proto = 'syntax = "proto3";\npackage ai.llm;\nmessage Finish {\n  string reason = 1;\n}\n';
  const { id: protoId } = await registry.register(
    { type: SchemaType.PROTOBUF, schema: proto }, { subject: "finish-node-value" });
  const protoDecoded = await registry.decode(await registry.encode(protoId, { reason: "stop" }));

  let refusedCode = null;
  try {
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...avro,
        fields: [...avro.fields, { name: "cost", type: "double" }] }) },
      { subject: "usage-node-value" });
  } catch (error) {
    refusedCode = error.status ?? error.message;
  }
  console.log(JSON.stringify({
    avroId, againId: again.id, decoded, latestId, bySubject, jsonDecoded, protoDecoded, refusedCode,
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
