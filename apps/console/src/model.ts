export type Role = 'ADMIN' | 'ANALYST' | 'AUDITOR' | 'CONSUMER' | 'STEWARD';
export type AccessLevel = 'CLEAR' | 'MASKED' | 'DENIED';
export const SHARING_TYPES = ['UNCONDITIONAL', 'CONDITIONAL', 'NONE'] as const;
export const OPEN_TYPES = ['OPEN', 'CONDITIONAL', 'CLOSED'] as const;
export const UPDATE_CYCLES = ['REALTIME', 'DAILY', 'WEEKLY', 'MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY', 'IRREGULAR'] as const;
export const CATEGORIES = ['基础', '主题', '部门'] as const;
export const ROLES: Role[] = ['ADMIN', 'ANALYST', 'AUDITOR', 'CONSUMER', 'STEWARD'];

/** No web font is shipped: the first of these the system has draws the Chinese (docs/console.md). */
export const FONT_STACK =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
