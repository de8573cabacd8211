/**
 * The inbound baseline, run as its own process: a bare Fastify 5 route that reads the order by `_id`
 * and makes one conditional `updateOne` on `{_id, revision}` — the least a correct cancellation
 * needs (two commands; a lost race reads and writes again). Same Node, driver, broker and server as
 * the service. Env: BASELINE_MONGODB_URI, BASELINE_DATABASE, BASELINE_MAX_WRITE_ATTEMPTS (8, as the
 * service's LEDGER_MAX_WRITE_ATTEMPTS). Prints `{"url": ...}` once listening; GET /memory answers
 * `process.memoryUsage()`.
 */
import Fastify from 'fastify';
import { MongoClient } from 'mongodb';

interface Line {
  orderItemId: string;
  quantity: number;
}
interface OrderDocument {
  _id: string;
  revision: number;
  items: { orderItemId: string; quantity: number; cancelledQuantity: number }[];
}

const uri = process.env.BASELINE_MONGODB_URI ?? '';
const maxAttempts = Number(process.env.BASELINE_MAX_WRITE_ATTEMPTS ?? 8);
const client = new MongoClient(uri, { maxPoolSize: 20, writeConcern: { w: 'majority' }, retryWrites: true });
await client.connect();
const orders = client
  .db(process.env.BASELINE_DATABASE ?? 'bench_baseline')
  .collection<OrderDocument>('orders');

const app = Fastify({ logger: false });
app.post<{ Body: { orderId: string; orderItems: Line[] } }>('/orders/cancel', async (request, reply) => {
  const { orderId, orderItems } = request.body;
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const order = await orders.findOne({ _id: orderId });
    if (order === null) return reply.code(404).send({ status: 'FAILED' });
    const items = order.items.map((item) => {
      const asked = orderItems.find((line) => line.orderItemId === item.orderItemId)?.quantity ?? 0;
      return { ...item, cancelledQuantity: Math.min(item.quantity, item.cancelledQuantity + asked) };
    });
    const { matchedCount } = await orders.updateOne(
      { _id: orderId, revision: order.revision },
      { $set: { items, revision: order.revision + 1 } },
    );
    if (matchedCount === 1) return { status: 'SUCCESS', failedItems: [] };
  }
  return reply.code(409).send({ status: 'FAILED', message: 'the order kept changing' });
});
app.get('/memory', async () => process.memoryUsage());
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => client.close())
    .then(() => process.exit(0));
});
