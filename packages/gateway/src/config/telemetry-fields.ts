import { z } from 'zod';

/**
 * `telemetry:` settings. Traces are exported only when an OTLP endpoint is configured here or by the standard
 * variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`:
 * OpenTelemetry, "OTLP Exporter Configuration", https://opentelemetry.io/docs/specs/otel/protocol/exporter/).
 */
export const TelemetrySchema = z.strictObject({
  otlp: z
    .strictObject({
      /** OTLP/HTTP base URL (`/v1/traces` is appended), e.g. `http://127.0.0.1:4318`. */
      endpoint: z.url().optional(),
      /** `service.name` of the spans; default `OTEL_SERVICE_NAME`, else `switchyard`. */
      service_name: z.string().min(1).optional(),
      /** Record prompts and completions on spans (`gen_ai.input.messages`, `gen_ai.output.messages`). */
      record_content: z.boolean().default(false),
    })
    .optional(),
});

export type TelemetryConfig = z.infer<typeof TelemetrySchema>;
