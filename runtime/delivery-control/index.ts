/**
 * Delivery control: how fast one function delivers to its destination, the same locally (runtime/local/dispatcher.ts)
 * and in the destination Lambda (runtime/aws/limiter.ts). An adaptive concurrency limit (AIMD with a latency
 * gradient, ceiling function.json maxConcurrency), a rate ceiling learnt from 429/503s (the refusal-free rate
 * measured between refusals), the configured `rateLimit` token bucket, and a circuit breaker that pauses a failing destination and probes it.
 * Pure: time is passed in, no timers, no I/O (the Lambda bundle imports it).
 */
export { DeliveryControl, type Allowance, type DeliveryControlOptions, type DeliveryControlStatus, type FinishedAttempt, type RateLimit, type RecentKind } from './delivery-control';
export { AdaptiveConcurrency, type AdaptiveConcurrencyOptions, type ConcurrencySample } from './adaptive-concurrency';
export { AdaptiveRate, type AdaptiveRateOptions } from './adaptive-rate';
export { CircuitBreaker, type BreakerChange, type BreakerResult, type CircuitBreakerOptions } from './circuit-breaker';
export { TokenBucket, defaultBurst } from './token-bucket';
export { OutcomeWindow } from './outcome-window';
