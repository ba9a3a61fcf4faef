// The bank-and-operator start of most stack tests: clients, consents imported, the loan book uploaded.
import path from 'node:path';
import { LabClient } from '../../client-sdk/client.ts';
import type { Job } from '../../client-sdk/contract/resources.ts';
import { approveWith } from '../../scripts/lib/approval.ts';
import { waitForDomains } from '../../scripts/lib/scenario.ts';
import { readAuthorizations, readLabels } from '../../scripts/lib/world-files.ts';
import type { StackFixture } from './stack-fixture.ts';

export interface BankSession {
  scientist: LabClient;
  operator: LabClient;
  /** Approves a job with as many distinct operators as it needs (two for restricted features). */
  approve(jobId: string, note: string): Promise<Job>;
  labelSetId: string;
}

/**
 * @example
 * const { scientist, operator, labelSetId } = await bankSession(fx);
 */
export async function bankSession(fx: StackFixture): Promise<BankSession> {
  const scientist = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.scientist });
  const operator = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator });
  await waitForDomains(operator, fx.world.domains.length);
  const bankDir = path.join(fx.worldDir, 'banks', fx.world.bank);
  await operator.authorizations.import(await readAuthorizations(path.join(bankDir, 'authorizations.csv')));
  const rows = await readLabels(path.join(bankDir, 'labels.csv'));
  const labelSetId = (await scientist.labelSets.upload({ name: 'book', rows })).id;
  const operator2 = new LabClient({ baseUrl: fx.stack.url, apiKey: fx.keys.operator2 });
  const approve = (jobId: string, note: string) => approveWith([operator, operator2], jobId, note);
  return { scientist, operator, approve, labelSetId };
}
