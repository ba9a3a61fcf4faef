// Catalogue of the privacy-budget routes: the ε ledger per (bank, domain) and operators' caps.
import { z } from 'zod';
import { BudgetCap, BudgetList } from '../../../../client-sdk/contract/resources.ts';
import { type DocGroup, json } from '../route-doc.ts';

/**
 * @example
 * openApiDocument([privacyDocs, ...]);
 */
export const privacyDocs: DocGroup = {
  tag: 'privacy',
  description: 'Differential-privacy budgets: ε spent and capped per bank and domain',
  schemas: { BudgetList, BudgetCap },
  routes: [
    {
      method: 'get',
      path: '/v1/privacy/budgets',
      summary: "A bank's ledger: cap, spent and remaining ε per domain",
      roles: ['bank-scientist', 'operator', 'auditor'],
      query: z.object({
        bank: z
          .string()
          .optional()
          .describe('Operators and auditors: the bank (required); banks read their own'),
      }),
      responses: { 200: { description: 'The ledger', content: json(BudgetList) } },
      errors: [400],
    },
    {
      method: 'put',
      path: '/v1/privacy/budgets',
      summary: 'Set the ε cap of one bank on one domain',
      roles: ['operator'],
      body: json(BudgetCap),
      responses: {
        200: { description: "The bank's ledger line for that domain", content: json(BudgetList) },
      },
      errors: [400, 413],
    },
  ],
};
