import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { openSchemaPlugin } from './open-schema.plugin.js';
import type { TypedSchemaRegistry } from './schema-registry.js';

/** Apollo options plus the registry that serves the typed dataset fields. */
export type DatasetSchemaDriverConfig = ApolloDriverConfig & { datasetSchema?: TypedSchemaRegistry };

/**
 * Nest's Apollo driver, serving the schema through Apollo Server 5's `gateway` option so that it
 * can change at run time (typed dataset fields appear on publish and go on retire, without a
 * restart). Nest still builds the static schema from the resolvers, and GraphQLSchemaHost keeps
 * holding that static schema: schema.graphql stays free of dataset fields.
 */
export class DatasetSchemaApolloDriver extends ApolloDriver {
  override async start(options: DatasetSchemaDriverConfig): Promise<void> {
    const { datasetSchema, ...apollo } = options;
    if (!datasetSchema || !apollo.schema) return super.start(apollo);
    await datasetSchema.start(apollo.schema);
    // Apollo takes the schema from the gateway; it ignores `schema` then. Outsiders see the open schema only.
    const plugins = [...(apollo.plugins ?? []), openSchemaPlugin(datasetSchema)] as ApolloDriverConfig['plugins'];
    return super.start({ ...apollo, plugins, gateway: datasetSchema.gateway() } as ApolloDriverConfig);
  }
}
