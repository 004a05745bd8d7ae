/**
 * Every GraphQL operation the console sends. `npm run build` validates each document marked
 * `/* GraphQL *\/` against schema/schema.graphql (scripts/console-operations.mjs) and fails on
 * an unknown field, argument or type; the result types below are written to match.
 */
import type { AccessLevel, Role } from './model';

export const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) { token expiresAt mustChangePassword user { email displayName } }
  }
`;
export interface LoginResult { token: string; expiresAt: string; mustChangePassword: boolean; user: { email: string; displayName: string } }
export interface LoginData { login: LoginResult }

export const CHANGE_PASSWORD = /* GraphQL */ `
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) { token expiresAt mustChangePassword user { email displayName } }
  }
`;
export interface ChangePasswordData { changePassword: LoginResult }

export const ME = /* GraphQL */ `
  query Me {
    me { id kind label roles department { code name nameEn divisionCode } }
  }
`;
export interface Department { code: string; name: string; nameEn?: string | null; divisionCode?: string | null; parentCode?: string | null }
export interface MeData { me: { id: string; kind: string; label: string; roles: Role[]; department: Department | null } }

export const DEPARTMENTS = /* GraphQL */ `
  query Departments { departments { code name nameEn parentCode divisionCode } }
`;
export interface DepartmentsData { departments: Department[] }

export const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    datasets(first: 1) { totalCount }
    pending: accessRequests(first: 1, filter: { status: PENDING }) { totalCount }
    overdue: accessRequests(first: 1, filter: { status: PENDING, overdue: true }) { totalCount }
    grants(filter: { status: ACTIVE }) { id }
  }
`;
export interface DashboardData { datasets: { totalCount: number }; pending: { totalCount: number }; overdue: { totalCount: number }; grants: { id: string }[] }

export const DATASETS = /* GraphQL */ `
  query Datasets($filter: DatasetFilter, $first: Int!, $after: String) {
    datasets(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { endCursor hasNextPage }
      nodes {
        code title titleEn summary category theme sharingType openType updateCycle status updatedAt
        providerDepartment { code name }
      }
    }
  }
`;
export interface DatasetSummary {
  code: string; title: string; titleEn: string | null; summary: string; category: string; theme: string | null;
  sharingType: string; openType: string; updateCycle: string; status: string; updatedAt: string;
  providerDepartment: { code: string; name: string };
}
export interface PageInfo { endCursor: string | null; hasNextPage: boolean }
export interface DatasetsData { datasets: { totalCount: number; pageInfo: PageInfo; nodes: DatasetSummary[] } }

export const DATASET = /* GraphQL */ `
  query Dataset($code: String!) {
    dataset(code: $code) {
      code title titleEn summary category theme keywords format license sharingType sharingBasis sharingCondition
      openType openCondition updateCycle status spatialCoverage temporalFrom temporalTo publishedAt updatedAt apiName
      providerDepartment { code name }
      fields { name title type sensitivity sharingType mask isKey nullable unit description }
      versions { id version rowCount encoding format sourceName loadedAt loadedBy publishedAt current checksum }
      myAccess { aggregateOnly rowScope validUntil grantIds fields { field access } }
    }
  }
`;
export interface DatasetField {
  name: string; title: string; type: string; sensitivity: string; sharingType: string; mask: string;
  isKey: boolean; nullable: boolean; unit: string | null; description: string | null;
}
export interface DatasetVersion {
  id: string; version: number; rowCount: number; encoding: string | null; format: string | null; sourceName: string | null;
  loadedAt: string; loadedBy: string; publishedAt: string | null; current: boolean; checksum: string;
}
export interface DatasetDetail extends DatasetSummary {
  keywords: string[]; format: string | null; license: string | null; sharingBasis: string | null; sharingCondition: string | null;
  openCondition: string | null; spatialCoverage: string | null; temporalFrom: string | null; temporalTo: string | null;
  publishedAt: string | null; apiName: string;
  fields: DatasetField[]; versions: DatasetVersion[];
  myAccess: { aggregateOnly: boolean; rowScope: unknown; validUntil: string | null; grantIds: string[]; fields: { field: string; access: AccessLevel }[] };
}
export interface DatasetData { dataset: DatasetDetail }

export const RECORDS = /* GraphQL */ `
  query Records($dataset: String!, $fields: [String!]!, $first: Int, $where: JSON) {
    records(dataset: $dataset, fields: $fields, first: $first, where: $where) { nodes }
  }
`;
export interface RecordsData { records: { nodes: Record<string, unknown>[] } }

export const REQUEST_ACCESS = /* GraphQL */ `
  mutation RequestAccess($input: RequestAccessInput!) {
    requestAccess(input: $input) { id status deadline }
  }
`;
export interface RequestAccessData { requestAccess: { id: string; status: string; deadline: string } }


export const ACCESS_REQUESTS = /* GraphQL */ `
  query AccessRequests($filter: AccessRequestFilter, $first: Int!, $after: String) {
    accessRequests(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { endCursor hasNextPage }
      nodes {
        id status datasetCode consumerDepartmentCode providerDepartmentCode fields purpose useScope legalBasis validUntil
        requestedBy createdAt deadline overdue waitingWorkingDays decidedAt decidedBy decisionReason
        dataset { title fields { name title type mask sensitivity } }
        consumerDepartment { name divisionCode }
        history { action at principal reason }
      }
    }
  }
`;
export interface AccessRequest {
  id: string; status: string; datasetCode: string; consumerDepartmentCode: string; providerDepartmentCode: string;
  fields: string[]; purpose: string; useScope: string | null; legalBasis: string | null; validUntil: string | null;
  requestedBy: string; createdAt: string; deadline: string; overdue: boolean; waitingWorkingDays: number;
  decidedAt: string | null; decidedBy: string | null; decisionReason: string | null;
  dataset: { title: string; fields: Pick<DatasetField, 'name' | 'title' | 'type' | 'mask' | 'sensitivity'>[] };
  consumerDepartment: { name: string; divisionCode: string | null };
  history: { action: string; at: string; principal: string; reason: string | null }[];
}
export interface AccessRequestsData { accessRequests: { totalCount: number; pageInfo: PageInfo; nodes: AccessRequest[] } }

export const APPROVE = /* GraphQL */ `
  mutation Approve($id: ID!, $input: ApproveAccessRequestInput) {
    approveAccessRequest(id: $id, input: $input) { id status grant { id } }
  }
`;
export const REJECT = /* GraphQL */ `
  mutation Reject($id: ID!, $reason: String!) {
    rejectAccessRequest(id: $id, reason: $reason) { id status decisionReason }
  }
`;
export const WITHDRAW = /* GraphQL */ `
  mutation Withdraw($id: ID!, $reason: String) {
    withdrawAccessRequest(id: $id, reason: $reason) { id status }
  }
`;

export const GRANTS = /* GraphQL */ `
  query Grants($filter: GrantFilter) {
    grants(filter: $filter) {
      id status datasetCode consumerDepartmentCode purpose aggregateOnly requirePurpose rowScope validFrom validUntil
      revokedAt revokeReason createdBy version
      fields { field access }
      dataset { title providerDepartment { code } }
      consumerDepartment { name }
    }
  }
`;
export interface Grant {
  id: string; status: string; datasetCode: string; consumerDepartmentCode: string; purpose: string; aggregateOnly: boolean;
  requirePurpose: boolean; rowScope: unknown; validFrom: string; validUntil: string | null; revokedAt: string | null;
  revokeReason: string | null; createdBy: string; version: number; fields: { field: string; access: AccessLevel }[];
  dataset: { title: string; providerDepartment: { code: string } }; consumerDepartment: { name: string };
}
export interface GrantsData { grants: Grant[] }

export const REVOKE_GRANT = /* GraphQL */ `
  mutation RevokeGrant($id: ID!, $reason: String!) {
    revokeGrant(id: $id, reason: $reason) { id status revokedAt }
  }
`;

export const AUDIT_EVENTS = /* GraphQL */ `
  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { endCursor hasNextPage }
      nodes {
        seq at action outcome principal principalKind departmentCode providerDepartmentCode dataset version purpose reason
        requestId clientIp endUserId target rowsReturned durationMs rowScope detail grantIds
        fieldsRequested fieldsClear fieldsMasked fieldsRefused hash prevHash
      }
    }
  }
`;
export interface AuditEvent {
  seq: string; at: string; action: string; outcome: string; principal: string; principalKind: string;
  departmentCode: string | null; providerDepartmentCode: string | null; dataset: string | null; version: number | null;
  purpose: string | null; reason: string | null; requestId: string; clientIp: string | null; endUserId: string | null;
  target: string | null; rowsReturned: number | null; durationMs: number | null; rowScope: unknown; detail: unknown;
  grantIds: string[]; fieldsRequested: string[]; fieldsClear: string[]; fieldsMasked: string[]; fieldsRefused: string[];
  hash: string; prevHash: string;
}
export interface AuditEventsData { auditEvents: { totalCount: number; pageInfo: PageInfo; nodes: AuditEvent[] } }

export const AUDIT_CHAIN = /* GraphQL */ `
  query AuditChain($fresh: Boolean!) {
    auditChainStatus(fresh: $fresh) {
      ok headSeq headHash lastVerifiedSeq brokenAt problem message checkedAt checkpointsChecked signingKeyId
      lastCheckpoint { seq at hash keyId }
    }
  }
`;
export interface AuditChainData {
  auditChainStatus: {
    ok: boolean; headSeq: string; headHash: string; lastVerifiedSeq: string; brokenAt: string | null; problem: string | null;
    message: string | null; checkedAt: string; checkpointsChecked: number; signingKeyId: string;
    lastCheckpoint: { seq: string; at: string; hash: string; keyId: string } | null;
  };
}

export const AUDIT_SUMMARY = /* GraphQL */ `
  query AuditSummary($from: DateTime, $to: DateTime, $groupBy: [AuditGroupBy!]!) {
    auditSummary(from: $from, to: $to, groupBy: $groupBy) { day department dataset action events allowed denied errors }
  }
`;
export interface AuditSummaryRow { day: string | null; department: string | null; dataset: string | null; action: string | null; events: number; allowed: number; denied: number; errors: number }
export interface AuditSummaryData { auditSummary: AuditSummaryRow[] }

export const SYSTEM_CLIENTS = /* GraphQL */ `
  query SystemClients {
    systemClients { id name keyPrefix roles allowedCidrs expiresAt createdAt createdBy lastUsedAt revokedAt revokeReason department { code name } }
  }
`;
export interface SystemClient {
  id: string; name: string; keyPrefix: string; roles: Role[]; allowedCidrs: string[]; expiresAt: string | null; createdAt: string;
  createdBy: string; lastUsedAt: string | null; revokedAt: string | null; revokeReason: string | null; department: { code: string; name: string };
}
export interface SystemClientsData { systemClients: SystemClient[] }

export const CREATE_CLIENT = /* GraphQL */ `
  mutation CreateClient($input: CreateSystemClientInput!) {
    createSystemClient(input: $input) { key client { id name keyPrefix } }
  }
`;
export interface CreateClientData { createSystemClient: { key: string; client: { id: string; name: string; keyPrefix: string } } }

export const REVOKE_CLIENT = /* GraphQL */ `
  mutation RevokeClient($id: ID!, $reason: String!) {
    revokeSystemClient(id: $id, reason: $reason) { id revokedAt }
  }
`;

export const REGISTER_DATASET = /* GraphQL */ `
  mutation RegisterDataset($input: RegisterDatasetInput!) {
    registerDataset(input: $input) { code status }
  }
`;
export interface RegisterDatasetData { registerDataset: { code: string; status: string } }

export const PUBLISH_VERSION = /* GraphQL */ `
  mutation PublishVersion($dataset: String!, $version: Int!) {
    publishVersion(dataset: $dataset, version: $version) { code currentVersion { version } }
  }
`;
export const DROP_VERSION = /* GraphQL */ `
  mutation DropVersion($dataset: String!, $version: Int!) {
    dropVersion(dataset: $dataset, version: $version) { id version rowCount }
  }
`;

export const USERS = /* GraphQL */ `
  query Users {
    users { id email displayName roles active mustChangePassword createdAt lastLoginAt department { code name } }
  }
`;
export interface User {
  id: string; email: string; displayName: string; roles: Role[]; active: boolean; mustChangePassword: boolean; createdAt: string;
  lastLoginAt: string | null; department: { code: string; name: string };
}
export interface UsersData { users: User[] }

export const DISABLE_USER = /* GraphQL */ `
  mutation DisableUser($id: ID!, $reason: String!) {
    disableUser(id: $id, reason: $reason) { id active }
  }
`;
export const ENABLE_USER = /* GraphQL */ `
  mutation EnableUser($id: ID!) {
    enableUser(id: $id) { id active }
  }
`;
export const RESET_PASSWORD = /* GraphQL */ `
  mutation ResetPassword($id: ID!) {
    resetUserPassword(id: $id) { temporaryPassword user { id email mustChangePassword } }
  }
`;
export interface ResetPasswordData { resetUserPassword: { temporaryPassword: string; user: { id: string; email: string; mustChangePassword: boolean } } }

export const CREATE_USER = /* GraphQL */ `
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { id email }
  }
`;
export const CREATE_DEPARTMENT = /* GraphQL */ `
  mutation CreateDepartment($input: CreateDepartmentInput!) {
    createDepartment(input: $input) { code name parentCode }
  }
`;

export const UPDATE_DATASET = /* GraphQL */ `
  mutation UpdateDataset($code: String!, $input: UpdateDatasetInput!) {
    updateDataset(code: $code, input: $input) { code updatedAt }
  }
`;
export const DEFINE_FIELDS = /* GraphQL */ `
  mutation DefineFields($dataset: String!, $fields: [FieldInput!]!) {
    defineFields(dataset: $dataset, fields: $fields) { code fields { name } }
  }
`;

export const TIMELINESS = /* GraphQL */ `
  query Timeliness($from: DateTime, $to: DateTime) {
    accessRequestStatistics(from: $from, to: $to) {
      providerDepartmentCode received pending overdue approved rejected withdrawn answered answeredInTime answeredLate
      medianAnswerWorkingDays averageAnswerWorkingDays maxAnswerWorkingDays
    }
    overdueItems { kind id stage subject requesterDepartmentCode responsible deadline workingDaysOverdue lastRemindedAt }
    departments { code name }
  }
`;
export interface ProviderTimeliness {
  providerDepartmentCode: string; received: number; pending: number; overdue: number; approved: number; rejected: number; withdrawn: number;
  answered: number; answeredInTime: number; answeredLate: number;
  medianAnswerWorkingDays: number | null; averageAnswerWorkingDays: number | null; maxAnswerWorkingDays: number | null;
}
export interface OverdueItem {
  kind: 'ACCESS_REQUEST' | 'DEMAND' | 'OBJECTION'; id: string; stage: string; subject: string; requesterDepartmentCode: string; responsible: string;
  deadline: string; workingDaysOverdue: number; lastRemindedAt: string | null;
}
export interface TimelinessData { accessRequestStatistics: ProviderTimeliness[]; overdueItems: OverdueItem[]; departments: { code: string; name: string }[] }
