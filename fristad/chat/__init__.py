"""Anonymous web chat: queues, routing with national overflow, relayed messages that are never stored."""
