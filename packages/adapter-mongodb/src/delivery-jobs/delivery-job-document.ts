/** How a delivery job is stored: one `delivery_jobs` document per job, the event id as `_id`. */
import type {
  DeliveryJob,
  DeliveryJobState,
  DeliveryJobUpdate,
  NewDeliveryJob,
} from '@cancel-sync/application';
import type { CancellationSource, UniwareCancelRequest } from '@cancel-sync/domain';
import type { UpdateFilter } from 'mongodb';
import { optional } from '../optional.ts';

export interface LeaseDocument {
  owner: string;
  until: Date;
}

export interface DeliveryJobDocument {
  _id: string;
  orderId: string;
  sellerId: string;
  source: CancellationSource;
  request: {
    saleOrderCode: string;
    cancelledSkuCodes: { quantity: number; productId: string; variantId: string }[];
    cancellationReason: string;
  };
  sequence: number;
  createdAt: Date;
  state: DeliveryJobState;
  attempts: number;
  unknownOutcomes: number;
  firstAttemptAt?: Date;
  nextAttemptAt: Date;
  lastError?: string;
  finishedAt?: Date;
  /** Absent when nobody holds the job. */
  lease?: LeaseDocument;
}

const requestToDocument = (request: UniwareCancelRequest): DeliveryJobDocument['request'] => ({
  saleOrderCode: request.saleOrderCode,
  cancelledSkuCodes: request.cancelledSkuCodes.map(({ quantity, productId, variantId }) => ({
    quantity,
    productId,
    variantId,
  })),
  cancellationReason: request.cancellationReason,
});

/** A new job is pending and due at once. */
export const toDocument = (job: NewDeliveryJob): DeliveryJobDocument => ({
  _id: job.jobId,
  orderId: job.orderId,
  sellerId: job.sellerId,
  source: job.source,
  request: requestToDocument(job.request),
  sequence: job.sequence,
  createdAt: job.createdAt,
  state: 'pending',
  attempts: 0,
  unknownOutcomes: 0,
  nextAttemptAt: job.createdAt,
});

/** The update of a settled attempt: what the use case leaves unset is removed, and the lease ends. */
export const settlementToUpdate = (update: DeliveryJobUpdate): UpdateFilter<DeliveryJobDocument> => {
  const optionals = {
    firstAttemptAt: update.firstAttemptAt,
    lastError: update.lastError,
    finishedAt: update.finishedAt,
  };
  const unset: Record<string, ''> = { lease: '' };
  for (const [field, value] of Object.entries(optionals)) if (value === undefined) unset[field] = '';
  return {
    $set: {
      state: update.state,
      attempts: update.attempts,
      unknownOutcomes: update.unknownOutcomes,
      nextAttemptAt: update.nextAttemptAt,
      ...optional('firstAttemptAt', update.firstAttemptAt),
      ...optional('lastError', update.lastError),
      ...optional('finishedAt', update.finishedAt),
    },
    $unset: unset,
  };
};

export const fromDocument = (document: DeliveryJobDocument): DeliveryJob => ({
  jobId: document._id,
  orderId: document.orderId,
  sellerId: document.sellerId,
  source: document.source,
  request: {
    saleOrderCode: document.request.saleOrderCode,
    cancelledSkuCodes: document.request.cancelledSkuCodes.map(({ quantity, productId, variantId }) => ({
      quantity,
      productId,
      variantId,
    })),
    cancellationReason: document.request.cancellationReason,
  },
  sequence: document.sequence,
  createdAt: document.createdAt,
  state: document.state,
  attempts: document.attempts,
  unknownOutcomes: document.unknownOutcomes,
  ...optional('firstAttemptAt', document.firstAttemptAt),
  nextAttemptAt: document.nextAttemptAt,
  ...optional('lastError', document.lastError),
  ...optional('finishedAt', document.finishedAt),
  ...optional(
    'lease',
    document.lease === undefined || document.lease === null
      ? undefined
      : { owner: document.lease.owner, until: document.lease.until },
  ),
});
