// `lab audit verify`: walks the lab's hash-chained audit log (operators and auditors).
import type { Command } from 'commander';
import { AuditVerify } from '../../../client-sdk/contract/audit.ts';
import { clientFor } from '../context.ts';
import { CliError, ExitCode } from '../exit-codes.ts';
import { auditLine } from '../format.ts';
import type { Output } from '../output.ts';

/**
 * @example
 * registerAudit(program, out); // lab audit verify [--anchor-id <id> --anchor-hash <hash>]
 */
export function registerAudit(program: Command, out: Output): void {
  program
    .command('audit')
    .description('the hash-chained audit log')
    .command('verify')
    .description('check every link of the chain; exits 1 when it is broken')
    .option('--anchor-id <id>', "an earlier verify's head id: also detects a rewritten chain")
    .option('--anchor-hash <hash>', "that head's hash")
    .action(async (opts: { anchorId?: string; anchorHash?: string }, cmd: Command) => {
      if ((opts.anchorId === undefined) !== (opts.anchorHash === undefined))
        throw new CliError('usage', '--anchor-id and --anchor-hash go together', ExitCode.usage);
      const anchor =
        opts.anchorId && opts.anchorHash ? { id: opts.anchorId, hash: opts.anchorHash } : undefined;
      const verified = await clientFor(cmd, out).audit.verify(anchor);
      out.result(AuditVerify, verified, auditLine);
      if (!verified.ok) process.exitCode = ExitCode.failure;
    });
}
