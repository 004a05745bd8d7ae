export { AggregateGroup, AggregateResult, MetricFunction, MetricInput, MetricValue, RecordConnection, RecordEdge, RecordOrder, SortDirection } from './dto.js';
export { ExchangeModule } from './exchange.module.js';
export { DISPUTED_KEY, ExchangeService, type AggregateAnswer, type AggregateArgs, type RecordEdgeValue, type RecordsArgs, type RecordsPage } from './exchange.service.js';
export { maskValue } from './masks.js';
export { OpenRowsService, type OpenTable, type RowExport, type TableRead } from './open-rows.service.js';
export { ID_COLUMN, type ReadableColumn, type RowFilter, type RowQuery, type RowSort, type RowWords } from './table-statement.js';
export { DatasetSchemaApolloDriver, type DatasetSchemaDriverConfig } from './typed/dataset-schema.driver.js';
export { TypedSchemaRegistry, TYPED_FIELD_POLICY } from './typed/schema-registry.js';
export { buildTypedSchema, type TypedDataset, type TypedField } from './typed/typed-schema.js';
