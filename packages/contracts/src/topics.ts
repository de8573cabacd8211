/** The Kafka topics of the contracts. Every record on them is keyed by `orderId`. */
export const TOPICS = {
  orderCancelled: 'order.cancelled',
  orderLifecycle: 'order.lifecycle',
  orderCancelledDeadLetter: 'order.cancelled.dlq',
  orderLifecycleDeadLetter: 'order.lifecycle.dlq',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
