import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';
import { POLICY_SCHEMA } from '../domain/policy.schema';

/**
 * The request body of POST /v1/policies and /validate: a policy document, JSON or YAML. Its full JSON Schema
 * (draft 2020-12, with recursive definitions) is served at GET /v1/policies/schema; the OpenAPI document names
 * its top level.
 */
export const POLICY_DOCUMENT_BODY: { type: 'object'; description: string; required: string[]; properties: Record<string, { type: 'string' | 'integer' }>; additionalProperties: true } = {
  type: 'object',
  description: 'A policy document (JSON, or YAML with Content-Type application/yaml). Its complete JSON Schema is GET /v1/policies/schema.',
  required: [...POLICY_SCHEMA.required],
  properties: {
    id: { ...POLICY_SCHEMA.properties.id },
    version: { ...POLICY_SCHEMA.properties.version },
    title: { ...POLICY_SCHEMA.properties.title },
  },
  additionalProperties: true,
};

export const POLICY_ID_PARAMETER = { name: 'policyId', description: 'The policy id (a slug such as city-bureau-2026)', schema: { ...POLICY_SCHEMA.properties.id } };

export class PolicyProblemResponse {
  @ApiProperty({ example: '/rules/limits/0/maxChars', description: 'JSON path into the document' }) path!: string;
  @ApiProperty() message!: string;
}

export class PolicyValidationResponse {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: [PolicyProblemResponse] }) problems!: PolicyProblemResponse[];
}

export class PolicyDraftedResponse {
  @ApiProperty({ example: 'city-bureau-2026' }) policyId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ enum: ['draft'] }) status!: string;
  @ApiProperty({ example: '0' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty() duplicate!: boolean;
}

export class PolicyPublishedResponse {
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
  @ApiProperty({ type: [String], example: ['PolicyPublished'] }) events!: string[];
  @ApiProperty({ example: '1' }) revision!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty() duplicate!: boolean;
}

export class PolicyVersionResponse {
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Where the document came from (file, API …)' }) source!: string | null;
  @ApiProperty({ example: 'published', description: 'draft, published or superseded' }) status!: string;
  @ApiProperty({ format: 'date' }) effectiveFrom!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) effectiveTo!: string | null;
  @ApiProperty({ type: [String], description: 'Unit types the policy scopes (empty: every unit type)' }) unitTypes!: string[];
  @ApiProperty({ type: [PolicyProblemResponse], nullable: true }) problems!: PolicyProblemResponse[] | null;
  @ApiProperty({ format: 'date-time' }) draftedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) retroactive!: boolean | null;
  @ApiProperty({ type: 'integer', nullable: true }) supersededBy!: number | null;
}

export class PolicyVersionDetailResponse extends PolicyVersionResponse {
  @ApiProperty({ ...POLICY_DOCUMENT_BODY, description: 'The policy document' }) document!: Record<string, unknown>;
}

const JSON_SCALAR = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object', additionalProperties: true }] as const;
/** Any JSON value of a policy document. */
const ANY_JSON = { nullable: true, oneOf: [...JSON_SCALAR, { type: 'array', items: { oneOf: JSON_SCALAR } }] } as unknown as ApiPropertyOptions;

export class PolicyChangeResponse {
  @ApiProperty({ example: '/rules/limits/0/maxChars', description: 'JSON pointer' }) path!: string;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'The value before (absent when added)' } as ApiPropertyOptions) before?: unknown;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'The value after (absent when removed)' } as ApiPropertyOptions) after?: unknown;
}

export class PolicyDiffResponse {
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) from!: number;
  @ApiProperty({ type: 'integer' }) to!: number;
  @ApiProperty({ type: [PolicyChangeResponse] }) changes!: PolicyChangeResponse[];
}

export class JsonSchemaResponse {
  @ApiProperty({ example: 'https://json-schema.org/draft/2020-12/schema' }) $schema!: string;
  @ApiProperty() $id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['object'] }) type!: string;
  @ApiProperty() additionalProperties!: boolean;
  @ApiProperty({ type: [String] }) required!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) properties!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) $defs!: Record<string, unknown>;
}
