// Catalogue of the job routes: submit, list, read, follow, approve, reject, cancel.
import { z } from 'zod';
import { JobSpec } from '../../../../client-sdk/contract/job-spec.ts';
import {
  CancelBody,
  DecisionBody,
  Job,
  JobEvent,
  JobList,
} from '../../../../client-sdk/contract/resources.ts';
import { JobListQuery } from '../../routes/jobs.ts';
import { type DocGroup, json, type RouteDoc } from '../route-doc.ts';
import { IDEMPOTENCY_KEY } from './headers.ts';

const READERS = ['bank-scientist', 'operator', 'auditor'] as const;

const decision = (verb: 'approve' | 'reject'): RouteDoc => ({
  method: 'post',
  path: `/v1/jobs/{id}/${verb}`,
  summary:
    verb === 'approve' ? 'Approve a pending job (with grants for personal features)' : 'Reject a pending job',
  roles: ['operator'],
  body: json(DecisionBody),
  responses: { 200: { description: 'The job after the decision', content: json(Job) } },
  errors: [400, 404, 409, 413],
});

/**
 * @example
 * openApiDocument([jobDocs, ...]);
 */
export const jobDocs: DocGroup = {
  tag: 'jobs',
  description:
    'Model jobs: a bank submits, operators review with the privacy report, the coordinator runs them',
  schemas: { JobSpec, Job, JobList, JobEvent, DecisionBody, CancelBody },
  routes: [
    {
      method: 'post',
      path: '/v1/jobs',
      summary: 'Submit a job; it waits for approval with its privacy report',
      roles: ['bank-scientist'],
      headers: [IDEMPOTENCY_KEY],
      body: json(JobSpec),
      responses: { 201: { description: 'The stored job', content: json(Job) } },
      errors: [400, 409, 413],
    },
    {
      method: 'get',
      path: '/v1/jobs',
      summary: "Jobs, newest first (a bank's own; every tenant's for operators and auditors)",
      roles: READERS,
      query: JobListQuery,
      responses: { 200: { description: 'A page of jobs', content: json(JobList) } },
      errors: [400],
    },
    {
      method: 'get',
      path: '/v1/jobs/{id}',
      summary: 'One job',
      roles: READERS,
      responses: { 200: { description: 'The job', content: json(Job) } },
      errors: [404],
    },
    {
      method: 'get',
      path: '/v1/jobs/{id}/events',
      summary: "A job's rounds and status changes as server-sent events",
      description:
        'Events `progress` (data: a JobProgress, id: the round, so `Last-Event-ID` resumes) and `status` (data: status, modelId, error); the stream ends after a terminal status. `x-event-schema` gives each event as a JobEvent, with the event name as its `type`.',
      roles: READERS,
      headers: [{ name: 'Last-Event-ID', description: 'Resume after this round', schema: z.string() }],
      responses: { 200: { description: 'An event stream', content: { 'text/event-stream': z.string() } } },
      errors: [404],
      extensions: { 'x-event-schema': { $ref: '#/components/schemas/JobEvent' } },
    },
    decision('approve'),
    decision('reject'),
    {
      method: 'post',
      path: '/v1/jobs/{id}/cancel',
      summary:
        'Cancel a job that has not ended (its bank or an operator); a job that never ran gets its privacy budget back',
      roles: ['bank-scientist', 'operator'],
      body: json(CancelBody),
      responses: { 200: { description: 'The cancelled job', content: json(Job) } },
      errors: [400, 404, 409, 413],
    },
  ],
};
