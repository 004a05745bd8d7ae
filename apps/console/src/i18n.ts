import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/** zh-CN by default; the English switch is remembered in localStorage. */
export const LANGUAGE_KEY = 'causeway.language';
export type Language = 'zh-CN' | 'en';

const zh = {
  app: { title: 'Causeway 政务数据共享交换平台', short: 'Causeway 数据共享交换' },
  nav: { dashboard: '工作台', catalogue: '资源目录', requests: '共享申请', grants: '授权管理', upload: '数据上传', register: '登记资源', audit: '审计日志', timeliness: '办理时效', clients: '系统接入', organisation: '组织与人员' },
  org: {
    departments: '部门', people: '人员', createDepartment: '新建部门', createPerson: '新建人员', division: '行政区划代码', name: '部门名称', parent: '上级部门', displayName: '姓名', disabled: '已停用',
    disable: '停用', enable: '启用', resetPassword: '重置密码', disableConfirm: '停用 {{name}}？停用后无法登录，已有的登录立即失效。', disableReason: '停用原因（记入审计日志）',
    disableReasonDefault: '管理员停用', disabledDone: '已停用 {{name}}', enabledDone: '已启用 {{name}}，可重新登录', mustChange: '待修改密码', lastLogin: '最近登录',
    resetConfirm: '重置 {{name}} 的密码？', resetHint: '将生成一次性临时密码，其现有登录立即失效；本人下次登录时须先修改密码。',
    temporaryTitle: '{{email}} 的临时密码', temporaryOnce: '请立即复制此临时密码，并通过安全渠道交给本人：关闭后将无法再次查看。',
  },
  login: {
    title: '登录', email: '电子邮箱', password: '密码', submit: '登录', expired: '会话已过期，请重新登录。', loggedOut: '您已退出登录。',
    required: '请输入{{what}}', hint: '使用部门分配的账号登录；系统接入请使用 API 密钥调用接口。',
  },
  me: { department: '所属部门', roles: '角色', label: '身份标识', logout: '退出登录', language: 'English', changePassword: '修改密码' },
  password: {
    title: '修改密码', current: '当前密码', new: '新密码', confirm: '确认新密码', rule: '至少 12 个字符', mismatch: '两次输入的新密码不一致', submit: '确认修改',
    changed: '密码已修改；其他设备上的登录已失效。', forcedTitle: '请先设置新密码', forcedHint: '管理员已重置您的密码。请设置只有您本人知道的新密码后再继续使用。',
  },
  role: { ADMIN: '管理员', ANALYST: '分析员', AUDITOR: '审计员', CONSUMER: '使用方', STEWARD: '数据管理员' },
  dashboard: { welcome: '欢迎，{{name}}', datasets: '可见资源', pending: '待处理申请', overdue: '已超期申请', grants: '生效授权' },
  filter: { search: '搜索资源名称、代码、摘要、关键词', provider: '提供部门', category: '资源分类', sharingType: '共享类型', openType: '开放类型', updateCycle: '更新周期', all: '全部' },
  sharingType: { UNCONDITIONAL: '无条件共享', CONDITIONAL: '有条件共享', NONE: '不予共享' },
  openType: { OPEN: '无条件开放', CONDITIONAL: '有条件开放', CLOSED: '不予开放' },
  updateCycle: { REALTIME: '实时', DAILY: '每日', WEEKLY: '每周', MONTHLY: '每月', QUARTERLY: '每季度', HALF_YEARLY: '每半年', YEARLY: '每年', IRREGULAR: '不定期' },
  sensitivity: { PUBLIC: '公开', INTERNAL: '内部', SENSITIVE: '敏感', SECRET: '涉密' },
  access: { CLEAR: '明文', MASKED: '脱敏', DENIED: '不可见', HIDDEN: '隐藏' },
  status: { PENDING: '待审批', APPROVED: '已批准', REJECTED: '已驳回', WITHDRAWN: '已撤回', ACTIVE: '生效中', EXPIRED: '已过期', REVOKED: '已撤销', DRAFT: '草稿', PUBLISHED: '已发布', RETIRED: '已停用' },
  dataset: {
    code: '资源代码', title: '资源名称', provider: '提供方', summary: '摘要', theme: '主题', keywords: '关键词', format: '格式', license: '许可',
    sharingBasis: '共享依据', sharingCondition: '共享条件', openCondition: '开放条件', coverage: '空间范围', temporal: '时间范围', status: '状态',
    updatedAt: '更新时间', metadata: '元数据', fields: '信息项', versions: '版本', myAccess: '我的访问权限', preview: '数据预览', history: '变更记录',
    field: { name: '字段名', title: '信息项名称', type: '类型', sensitivity: '敏感级别', sharingType: '共享类型', mask: '脱敏方式', key: '主键', unit: '单位', description: '说明', sharingDefault: '同资源共享类型' },
    version: { version: '版本', rows: '行数', encoding: '编码', source: '来源文件', loadedAt: '载入时间', loadedBy: '载入人', current: '当前', publish: '设为当前版本', drop: '删除数据', dropConfirm: '删除 v{{version}} 的数据行？此操作不可撤销。' },
    noAccess: '您的部门暂无此资源的数据访问权限，可申请共享。', rowScope: '行范围', validUntil: '有效期至', aggregateOnly: '仅统计',
    everyRow: '全部行', noEnd: '长期', requestAccess: '申请共享', previewRows: '显示 {{count}} 行（按您部门的授权脱敏和筛选）',
  },
  request: {
    title: '共享申请', fields: '申请信息项', purpose: '申请事由', useScope: '使用范围', legalBasis: '共享依据（法律法规或文件）', validUntil: '申请期限至',
    submit: '提交申请', submitted: '申请已提交，等待提供方审批', inbox: '待我审批', mine: '我的申请', all: '全部申请',
    dataset: '资源', consumer: '申请部门', provider: '提供部门', waiting: '已等待', workingDays: '{{count}} 个工作日', dueIn: '剩 {{days}} 天 {{hours}} 小时', deadline: '答复期限', overdue: '已超期',
    approve: '审批', reject: '驳回', rejectReason: '驳回理由', withdraw: '撤回', withdrawn: '已撤回', rejected: '已驳回', approved: '已批准，授权已生效',
    historyTitle: '处理记录', requestedBy: '申请人', createdAt: '申请时间', decision: '审批意见',
  },
  approve: {
    title: '审批共享申请', fieldAccess: '信息项权限', rowScope: '行范围', addCondition: '添加条件', rawJson: 'JSON（筛选语言）', builder: '条件构造',
    consumerDivision: '申请部门的行政区划代码', value: '值', operator: '运算符', field: '字段', validUntil: '授权有效期至', requirePurpose: '查询须说明用途（X-Purpose）',
    aggregateOnly: '仅允许统计查询', submit: '批准', invalidJson: '行范围不是有效的 JSON', noFields: '请至少授予一个信息项', summary: '申请方将看到：', preview: '预览申请方可见数据', previewHint: '按上述行范围（代入申请部门的区划）查询前 5 行；脱敏字段不显示原值',
  },
  grant: { consumer: '使用部门', fields: '授权信息项', validFrom: '生效时间', revoke: '撤销', revokeReason: '撤销理由', revoked: '授权已撤销', matrix: '授权矩阵' },
  audit: {
    title: '审计日志', from: '开始时间', to: '结束时间', department: '部门', dataset: '资源代码', action: '操作', outcome: '结果', principal: '主体', purpose: '用途',
    search: '查询', reset: '重置', exportCsv: '导出 CSV', exportJsonl: '导出 JSONL', seq: '序号', at: '时间', detail: '事件详情', rows: '返回行数',
    fieldsClear: '明文字段', fieldsMasked: '脱敏字段', fieldsRefused: '拒绝字段', reason: '原因', chain: '审计链校验', chainOk: '链完整', chainBroken: '链已损坏',
    headSeq: '链头序号', checkedAt: '校验时间', lastCheckpoint: '最近签名检查点', verify: '重新校验', charts: '统计图表', perDay: '每日交换次数（按部门）', refusals: '每日拒绝与错误', topDatasets: '访问最多的资源', exported: '已导出 {{count}} 条',
    purposeHint: '调用方声明的用途（X-Purpose）中包含这段文字即匹配，不区分大小写，如案件编号',
    outcomes: { ALLOWED: '允许', DENIED: '拒绝', ERROR: '错误' },
  },
  clients: {
    title: '系统接入（API 密钥）', create: '新建接入', name: '系统名称', department: '所属部门', roles: '角色', expiresAt: '过期时间', cidrs: '允许的网段（CIDR，每行一个）',
    keyPrefix: '密钥前缀', lastUsedAt: '最近使用', revoke: '撤销', revokeReason: '撤销理由', revoked: '已撤销', active: '有效',
    keyOnce: '请立即复制并妥善保存此密钥：关闭后将无法再次查看。', keyTitle: '新密钥', created: '已创建接入',
    namePattern: '2–64 个小写字母、数字、点、短横线或下划线，例如 tax-collection',
  },
  upload: {
    title: '上传数据文件', dataset: '资源', drop: '将 CSV / XLSX / JSON 文件拖到此处，或点击选择', hint: '支持 UTF-8、GBK/GB18030 编码，自动识别', publish: '载入后立即发布',
    progress: '传输进度', report: '载入报告', encoding: '识别编码', rowsRead: '读取行数', rowsAccepted: '接受行数', rowsRejected: '拒绝行数', version: '新版本',
    errors: '被拒绝的行', line: '行号', field: '字段', reason: '原因', download: '下载报告',
  },
  register: { title: '登记信息资源', submit: '登记', created: '资源已登记（草稿）', addField: '添加信息项' },
  edit: {
    edit: '编辑', title: '编辑资源', back: '返回资源页', metadata: '目录信息', fields: '信息项', saveMetadata: '保存目录信息', saveFields: '保存信息项', saved: '已保存',
    fieldsHint: '保存后，下次上传的数据按新的信息项载入；已载入的版本不变。', removeField: '删除此信息项',
  },
  timeliness: {
    title: '共享申请办理时效', period: '申请提交期间', received: '收到申请', answered: '已答复', inTimeRate: '按时答复率', overdueNow: '超期未答复', none: '此期间没有共享申请',
    perProvider: '各提供部门答复情况（件）', answerDays: '答复用时（工作日）', inTime: '按时答复', late: '超时答复', pending: '办理中', overdue: '已超期',
    medianDays: '中位数', maxDays: '最长', overdueList: '逾期清单', kind: '类型', subject: '事项', requester: '提出方', responsible: '责任方', deadline: '办理期限',
    daysOverdue: '已超期', reminded: '最近催办', platform: '数据管理部门', kinds: { ACCESS_REQUEST: '共享申请', DEMAND: '数据需求', OBJECTION: '数据异议' },
  },
  common: {
    save: '保存', cancel: '取消', confirm: '确定', loading: '加载中…', yes: '是', no: '否', actions: '操作', view: '查看', copy: '复制', total: '共 {{count}} 条',
    more: '加载更多', none: '无', done: '操作成功', close: '关闭', details: '详情', forbidden: '您的角色无权访问此页面。',
  },
  error: {
    network: '网络错误', UNAUTHENTICATED: '未登录或会话已过期', FORBIDDEN: '无权执行此操作', BAD_USER_INPUT: '输入有误', NOT_FOUND: '未找到', CONFLICT: '冲突',
    RATE_LIMITED: '尝试过于频繁，请稍后再试', SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试', AUDIT_UNAVAILABLE: '审计日志暂时无法写入，操作未执行',
  },
};

type Dictionary = typeof zh;

const en: Dictionary = {
  app: { title: 'Causeway data-sharing exchange', short: 'Causeway' },
  nav: { dashboard: 'Dashboard', catalogue: 'Catalogue', requests: 'Access requests', grants: 'Grants', upload: 'Upload', register: 'Register dataset', audit: 'Audit', timeliness: 'Timeliness', clients: 'System clients', organisation: 'Organisation' },
  org: {
    departments: 'Departments', people: 'People', createDepartment: 'New department', createPerson: 'New person', division: 'Division code', name: 'Name', parent: 'Parent department', displayName: 'Name', disabled: 'Disabled',
    disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', disableConfirm: 'Disable {{name}}? They can no longer sign in, and their sessions end at once.', disableReason: 'Reason (kept in the audit log)',
    disableReasonDefault: 'disabled by an administrator', disabledDone: '{{name}} disabled', enabledDone: '{{name}} enabled: they may sign in again', mustChange: 'Must change password', lastLogin: 'Last sign-in',
    resetConfirm: "Reset {{name}}'s password?", resetHint: 'A one-time password is made and their sessions end at once; at their next sign-in they must choose a new password first.',
    temporaryTitle: 'Temporary password of {{email}}', temporaryOnce: 'Copy this temporary password now and hand it to the person over a safe channel: it is never shown again.',
  },
  login: {
    title: 'Sign in', email: 'E-mail', password: 'Password', submit: 'Sign in', expired: 'Your session expired: please sign in again.', loggedOut: 'You signed out.',
    required: 'Enter your {{what}}', hint: 'Sign in with the account your department gave you; systems call the API with an API key.',
  },
  me: { department: 'Department', roles: 'Roles', label: 'Identity', logout: 'Sign out', language: '中文', changePassword: 'Change password' },
  password: {
    title: 'Change password', current: 'Current password', new: 'New password', confirm: 'New password again', rule: 'At least 12 characters', mismatch: 'The two new passwords differ', submit: 'Change',
    changed: 'Password changed; your sessions elsewhere have ended.', forcedTitle: 'Choose a new password first', forcedHint: 'An administrator reset your password. Choose a new one only you know to go on.',
  },
  role: { ADMIN: 'Administrator', ANALYST: 'Analyst', AUDITOR: 'Auditor', CONSUMER: 'Consumer', STEWARD: 'Steward' },
  dashboard: { welcome: 'Welcome, {{name}}', datasets: 'Visible datasets', pending: 'Pending requests', overdue: 'Overdue requests', grants: 'Active grants' },
  filter: { search: 'Search titles, codes, summaries, keywords', provider: 'Provider', category: 'Category', sharingType: 'Sharing type', openType: 'Open type', updateCycle: 'Update cycle', all: 'All' },
  sharingType: { UNCONDITIONAL: 'Unconditional', CONDITIONAL: 'Conditional', NONE: 'Not shared' },
  openType: { OPEN: 'Open', CONDITIONAL: 'Conditionally open', CLOSED: 'Closed' },
  updateCycle: { REALTIME: 'Real time', DAILY: 'Daily', WEEKLY: 'Weekly', MONTHLY: 'Monthly', QUARTERLY: 'Quarterly', HALF_YEARLY: 'Half-yearly', YEARLY: 'Yearly', IRREGULAR: 'Irregular' },
  sensitivity: { PUBLIC: 'Public', INTERNAL: 'Internal', SENSITIVE: 'Sensitive', SECRET: 'Secret' },
  access: { CLEAR: 'Clear', MASKED: 'Masked', DENIED: 'Denied', HIDDEN: 'Hidden' },
  status: { PENDING: 'Pending', APPROVED: 'Approved', REJECTED: 'Rejected', WITHDRAWN: 'Withdrawn', ACTIVE: 'Active', EXPIRED: 'Expired', REVOKED: 'Revoked', DRAFT: 'Draft', PUBLISHED: 'Published', RETIRED: 'Retired' },
  dataset: {
    code: 'Code', title: 'Title', provider: 'Provider', summary: 'Summary', theme: 'Theme', keywords: 'Keywords', format: 'Format', license: 'Licence',
    sharingBasis: 'Sharing basis', sharingCondition: 'Sharing condition', openCondition: 'Open condition', coverage: 'Spatial coverage', temporal: 'Temporal coverage', status: 'Status',
    updatedAt: 'Updated', metadata: 'Metadata', fields: 'Fields', versions: 'Versions', myAccess: 'My access', preview: 'Preview', history: 'History',
    field: { name: 'Name', title: 'Title', type: 'Type', sensitivity: 'Sensitivity', sharingType: 'Sharing type', mask: 'Mask', key: 'Key', unit: 'Unit', description: 'Description', sharingDefault: "Dataset's sharing" },
    version: { version: 'Version', rows: 'Rows', encoding: 'Encoding', source: 'Source file', loadedAt: 'Loaded', loadedBy: 'Loaded by', current: 'Current', publish: 'Make current', drop: 'Drop rows', dropConfirm: 'Drop the rows of v{{version}}? This cannot be undone.' },
    noAccess: 'Your department may not read rows of this dataset yet: request access.', rowScope: 'Row scope', validUntil: 'Valid until', aggregateOnly: 'Statistics only',
    everyRow: 'Every row', noEnd: 'No end', requestAccess: 'Request access', previewRows: '{{count}} rows (masked and scoped as your department may read them)',
  },
  request: {
    title: 'Access request', fields: 'Fields wanted', purpose: 'Purpose', useScope: 'Use scope', legalBasis: 'Legal basis', validUntil: 'Wanted until',
    submit: 'Send request', submitted: 'Request sent: waiting for the provider', inbox: 'Waiting on me', mine: 'My requests', all: 'All requests',
    dataset: 'Dataset', consumer: 'Consumer', provider: 'Provider', waiting: 'Waiting', workingDays: '{{count}} working days', dueIn: '{{days}} d {{hours}} h left', deadline: 'Answer by', overdue: 'Overdue',
    approve: 'Review', reject: 'Reject', rejectReason: 'Reason for rejecting', withdraw: 'Withdraw', withdrawn: 'Withdrawn', rejected: 'Rejected', approved: 'Approved: the grant is in force',
    historyTitle: 'History', requestedBy: 'Requested by', createdAt: 'Filed', decision: 'Decision',
  },
  approve: {
    title: 'Approve access request', fieldAccess: 'Field access', rowScope: 'Row scope', addCondition: 'Add condition', rawJson: 'JSON (filter language)', builder: 'Builder',
    consumerDivision: "Consumer's division code", value: 'Value', operator: 'Operator', field: 'Field', validUntil: 'Grant valid until', requirePurpose: 'Queries must state a purpose (X-Purpose)',
    aggregateOnly: 'Statistics only', submit: 'Approve', invalidJson: 'The row scope is not valid JSON', noFields: 'Grant at least one field', summary: 'The consumer will see:', preview: "Preview the consumer's rows", previewHint: "The first 5 rows under this scope (with the consumer's division); masked fields are not shown",
  },
  grant: { consumer: 'Consumer', fields: 'Fields', validFrom: 'Valid from', revoke: 'Revoke', revokeReason: 'Reason for revoking', revoked: 'Grant revoked', matrix: 'Grants matrix' },
  audit: {
    title: 'Audit log', from: 'From', to: 'To', department: 'Department', dataset: 'Dataset code', action: 'Action', outcome: 'Outcome', principal: 'Principal', purpose: 'Purpose',
    search: 'Search', reset: 'Reset', exportCsv: 'Export CSV', exportJsonl: 'Export JSONL', seq: 'Seq', at: 'Time', detail: 'Event', rows: 'Rows',
    fieldsClear: 'Clear fields', fieldsMasked: 'Masked fields', fieldsRefused: 'Refused fields', reason: 'Reason', chain: 'Chain verification', chainOk: 'Chain intact', chainBroken: 'Chain broken',
    headSeq: 'Head seq', checkedAt: 'Checked at', lastCheckpoint: 'Latest signed checkpoint', verify: 'Verify again', charts: 'Charts', perDay: 'Exchanges per day by department', refusals: 'Refusals and errors per day', topDatasets: 'Most read datasets', exported: '{{count}} events exported',
    purposeHint: 'Matches events whose declared purpose (X-Purpose) contains this text, ignoring case, e.g. a case number',
    outcomes: { ALLOWED: 'Allowed', DENIED: 'Denied', ERROR: 'Error' },
  },
  clients: {
    title: 'System clients (API keys)', create: 'New client', name: 'System name', department: 'Department', roles: 'Roles', expiresAt: 'Expires', cidrs: 'Allowed networks (CIDR, one a line)',
    keyPrefix: 'Key prefix', lastUsedAt: 'Last used', revoke: 'Revoke', revokeReason: 'Reason for revoking', revoked: 'Revoked', active: 'Active',
    keyOnce: 'Copy this key now and keep it safe: it is never shown again.', keyTitle: 'New key', created: 'Client created',
    namePattern: '2–64 lower-case letters, digits, dots, dashes or underscores, e.g. tax-collection',
  },
  upload: {
    title: 'Upload a data file', dataset: 'Dataset', drop: 'Drop a CSV / XLSX / JSON file here, or click to choose', hint: 'UTF-8 and GBK/GB18030 are recognised', publish: 'Publish once loaded',
    progress: 'Transfer', report: 'Load report', encoding: 'Encoding found', rowsRead: 'Rows read', rowsAccepted: 'Rows accepted', rowsRejected: 'Rows refused', version: 'New version',
    errors: 'Refused rows', line: 'Line', field: 'Field', reason: 'Reason', download: 'Download report',
  },
  register: { title: 'Register a dataset', submit: 'Register', created: 'Dataset registered (draft)', addField: 'Add field' },
  edit: {
    edit: 'Edit', title: 'Edit dataset', back: 'Back to the dataset', metadata: 'Catalogue entry', fields: 'Fields', saveMetadata: 'Save entry', saveFields: 'Save fields', saved: 'Saved',
    fieldsHint: 'The next upload is loaded under the new fields; versions already loaded stay as they are.', removeField: 'Remove this field',
  },
  timeliness: {
    title: 'Access request timeliness', period: 'Filed between', received: 'Received', answered: 'Answered', inTimeRate: 'Answered in time', overdueNow: 'Overdue, unanswered', none: 'No access requests in this period',
    perProvider: 'Answers per provider (requests)', answerDays: 'Answer time (working days)', inTime: 'In time', late: 'Late', pending: 'Pending', overdue: 'Overdue',
    medianDays: 'Median', maxDays: 'Longest', overdueList: 'Overdue list', kind: 'Kind', subject: 'Subject', requester: 'Asked by', responsible: 'Must act', deadline: 'Deadline',
    daysOverdue: 'Overdue by', reminded: 'Last reminder', platform: 'Data bureau', kinds: { ACCESS_REQUEST: 'Access request', DEMAND: 'Demand', OBJECTION: 'Objection' },
  },
  common: {
    save: 'Save', cancel: 'Cancel', confirm: 'OK', loading: 'Loading…', yes: 'Yes', no: 'No', actions: 'Actions', view: 'View', copy: 'Copy', total: '{{count}} in all',
    more: 'Load more', none: 'None', done: 'Done', close: 'Close', details: 'Details', forbidden: 'Your roles do not give access to this page.',
  },
  error: {
    network: 'Network error', UNAUTHENTICATED: 'Not signed in or session expired', FORBIDDEN: 'Not allowed', BAD_USER_INPUT: 'Invalid input', NOT_FOUND: 'Not found', CONFLICT: 'Conflict',
    RATE_LIMITED: 'Too many attempts: try again later', SERVICE_UNAVAILABLE: 'Service unavailable: try again shortly', AUDIT_UNAVAILABLE: 'The audit log cannot be written: nothing was done',
  },
};

function storedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export function switchLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

export default i18n;
