import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { FieldProblem, ValidationFailed } from '@app/kernel';
import { MetricsObservationRequest } from './record-metrics.request';

const fieldProblems = (errors: readonly ValidationError[], parent = ''): FieldProblem[] =>
  errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((message) => ({ field, message })), ...fieldProblems(e.children ?? [], field)];
  });

/**
 * One item of the batch, validated as the global pipe validates a body (whitelist, unknown fields refused), but on
 * its own: the batch's other items go on. Returns the observation or the ValidationFailed naming its fields.
 */
export function validateObservation(raw: unknown, index: number): MetricsObservationRequest | ValidationFailed {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return new ValidationFailed([{ field: `observations.${index}`, message: `observations.${index} must be an object` }], `observations.${index} must be an object`);
  }
  const item = plainToInstance(MetricsObservationRequest, raw);
  const errors = validateSync(item, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length === 0) return item;
  const problems = fieldProblems(errors);
  return new ValidationFailed(problems, `observations.${index} is not valid: ${problems.map((p) => p.message).join('; ')}`);
}
