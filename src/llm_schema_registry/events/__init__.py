"""Change events: a transactional outbox, CloudEvents, signed webhooks, brokers, a live stream.

A service package above `registry/`. Layout (one idea per module):

    model.py       Event, EventType, Webhook, Attempt, DeadLetter (records, no I/O)
    cloudevent.py  the CloudEvents 1.0 structured JSON envelope
    filters.py     type / subject-glob filters and the reader's scope
    store.py       the storage protocols this package owns (storage/ implements them)
    sink.py        the Sink protocol, Delivery, SinkUnavailableError
    webhook.py     signed HTTP delivery with retries; ssrf.py its address guard
    jetstream.py   NATS JetStream;  rabbitmq.py  RabbitMQ
    relay.py       outbox → sinks, on every node;  signal.py  wake-ups
    feed.py        reading the feed (pages, followers), shared by every edge
    sse.py         Server-Sent Events frames for the live stream
    metrics.py     the Prometheus series

Signatures themselves live in the neutral `llm_schema_registry.webhooks`, which the SDK uses.
"""
