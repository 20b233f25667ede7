"""Delivery, platform-neutral: what is due (planning), what each outbox row says (outgoing), the retry
policy, how to reach people, retention and re-scoring."""
