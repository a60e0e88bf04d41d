import type { z } from 'zod'
import type { JobInfo } from './jobs'

/**
 * One call of the contract: a validator for what comes in (requests are untrusted, whichever
 * process or socket they came from) and, as a type only, what goes out.
 */
export interface MethodSpec<Request extends z.ZodType, Response> {
  request: Request
  /** Phantom: carries the response type; never set. */
  response?: Response
}

/** `method<Response>()(requestSchema)`: the response type is written, the request type inferred. */
export function method<Response>() {
  return <Request extends z.ZodType>(request: Request): MethodSpec<Request, Response> => ({ request })
}

/** A method that starts a job (see jobs.ts) and answers at once with it; the job ends with a `Result`. */
export interface JobMethodSpec<Request extends z.ZodType, Result> extends MethodSpec<Request, JobInfo<Result>> {
  job: true
}

/** `job<Result>()(requestSchema)`: a method whose answer is a job that ends with `Result`. */
export function job<Result>() {
  return <Request extends z.ZodType>(request: Request): JobMethodSpec<Request, Result> => ({ request, job: true })
}
