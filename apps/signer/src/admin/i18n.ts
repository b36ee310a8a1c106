/**
 * @module admin/i18n
 * The console's words in zh-CN and English. The language comes from `?lang=` (then kept in a cookie), else that
 * cookie, else the browser's Accept-Language (Chinese first if it is preferred, English otherwise).
 */

/** The console's languages. */
export type ConsoleLang = 'zh-CN' | 'en';

const EN = {
  title: 'jupay console',
  signIn: 'Sign in',
  signInHint: 'Enter the admin token (JUPAY_ADMIN_TOKEN) of this signer.',
  token: 'Admin token',
  wrongToken: 'That is not the admin token.',
  tooManyAttempts: 'Too many attempts. Wait a minute and try again.',
  signOut: 'Sign out',
  orders: 'Orders',
  anomalies: 'Anomalies',
  webhooks: 'Webhooks',
  status: 'Status',
  any: 'Any',
  paid: 'Paid',
  unpaid: 'Unpaid',
  from: 'From',
  to: 'To',
  orderId: 'Order ID',
  amountMin: 'Min. amount (¥)',
  amountMax: 'Max. amount (¥)',
  filter: 'Filter',
  clear: 'Clear',
  exportCsv: 'Export CSV',
  perDay: 'Totals per day (China time)',
  day: 'Day',
  count: 'Orders',
  paidCount: 'Paid',
  paidAmount: 'Paid amount',
  created: 'Created',
  amount: 'Amount',
  method: 'Method',
  paidAt: 'Paid at',
  via: 'Via',
  viaNotify: 'notification',
  viaQuery: 'query',
  noOrders: 'No orders match.',
  previous: 'Previous',
  next: 'Next',
  pageOf: (page: number, pages: number, total: number) => `Page ${page} of ${pages} · ${total} in all`,
  order: 'Order',
  backToOrders: 'All orders',
  product: 'Product',
  attach: 'Attach',
  transactionId: 'Gateway transaction',
  queries: 'Gateway queries',
  queryAttempts: 'Queries made',
  nextQuery: 'Next query',
  none: 'none',
  askGateway: 'Ask the gateway now',
  askGatewayHint: 'Queries the order at the gateway and marks it paid if the gateway says it was.',
  requestFields: 'Payment request as signed',
  notifications: 'Notifications',
  received: 'Received',
  verdict: 'Verdict',
  body: 'Body as received',
  unverified: 'unverified (claims this order)',
  truncated: 'first 512 bytes',
  noNotifications: 'No notification received.',
  noAnomalies: 'No anomaly.',
  kind: 'Kind',
  detail: 'Detail',
  at: 'At',
  webhookEvents: 'Webhook deliveries',
  event: 'Event',
  attempts: 'Attempts',
  lastError: 'Last error',
  nextAttempt: 'Next attempt',
  deliveredAt: 'Delivered',
  stateFailed: 'failing',
  statePending: 'pending',
  stateDelivered: 'delivered',
  sendAgain: 'Send again',
  noEvents: 'No webhook event.',
  webhookOff: 'No webhook is configured (JUPAY_WEBHOOK_URL).',
  notFound: 'No such page or order.',
  forbidden: 'This action was refused: reload the page and try again.',
  gateway: 'Gateway',
  gatewayQueries: 'Gateway queries',
  gatewayHint:
    'Order queries to the gateway: the rate cap (JUPAY_QUERY_RATE), the orders waiting for a scheduled query in the shared store, and what this signer instance sent since it started.',
  rateCap: 'Rate cap',
  rateCapValue: (perSecond: number, reserve: number) =>
    `${perSecond} a second: up to ${perSecond - reserve} for the schedule, ${reserve} kept for status reads`,
  dueNow: 'Due now',
  oldestDue: 'Oldest due since',
  lateBy: (seconds: number) => `${seconds} s late`,
  countedSince: 'This instance counts since',
  lastActivity: 'Last minute with queries',
  currentMinute: (since: string) => `This minute (since ${since})`,
  gatewayTitle: (id: string) => `Gateway: ${id}`,
  sinceStart: 'Since this instance started',
  kindScheduled: 'scheduled',
  kindStatus: 'status reads',
  sent: 'Sent',
  deferred: 'Deferred',
  skipped: 'Skipped',
  meanDelay: 'Mean delay',
  maxDelay: 'Max. delay',
  seconds: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
  gatewayLine: (due: number, late: number | null, perSecond: number) =>
    `Gateway queries: ${due} due now${late === null ? '' : `, the oldest ${late} s late`}; cap ${perSecond} a second.`,
  details: 'Details',
  formSubmitted: 'Payment form submitted',
  returned: 'Back from the gateway',
  notReported: 'not reported',
  queryBudget: 'Query budget',
  wholeSchedule: 'the whole schedule',
  budgetUntilReach: (budget: number) =>
    `${budget} scheduled queries until the form submission is reported or the shopper comes back`,
  waitingForReach: 'none until the form submission is reported or the shopper comes back',
  done: {
    'query-paid': 'The gateway says it is paid: the order is now paid.',
    'query-already_paid': 'The order was already paid.',
    'query-not_paid': 'The gateway says it is not paid.',
    'query-amount_mismatch': 'The gateway reports another amount: recorded as an anomaly, not paid.',
    'query-failed': 'The gateway could not be asked (see the log); the loop will ask again.',
    'query-not_found': 'No such order.',
    'query-skipped':
      "The gateway's query rate cap has no free slot in the next 10 seconds: not asked now; the loop will ask.",
    'resend-ok': 'The webhook was delivered.',
    'resend-failed': 'The webhook was not accepted; it stays queued and is retried.',
  } as Record<string, string>,
  language: 'Language',
};

type Messages = typeof EN;

const ZH: Messages = {
  title: 'jupay 控制台',
  signIn: '登录',
  signInHint: '请输入此签名服务的管理令牌（JUPAY_ADMIN_TOKEN）。',
  token: '管理令牌',
  wrongToken: '令牌不正确。',
  tooManyAttempts: '尝试次数过多，请一分钟后再试。',
  signOut: '退出',
  orders: '订单',
  anomalies: '异常',
  webhooks: 'Webhook',
  status: '状态',
  any: '全部',
  paid: '已支付',
  unpaid: '未支付',
  from: '起始日期',
  to: '结束日期',
  orderId: '订单号',
  amountMin: '最低金额（元）',
  amountMax: '最高金额（元）',
  filter: '筛选',
  clear: '清除',
  exportCsv: '导出 CSV',
  perDay: '每日合计（北京时间）',
  day: '日期',
  count: '订单数',
  paidCount: '已支付',
  paidAmount: '已支付金额',
  created: '创建时间',
  amount: '金额',
  method: '支付方式',
  paidAt: '支付时间',
  via: '确认方式',
  viaNotify: '异步通知',
  viaQuery: '订单查询',
  noOrders: '没有符合条件的订单。',
  previous: '上一页',
  next: '下一页',
  pageOf: (page, pages, total) => `第 ${page} / ${pages} 页 · 共 ${total} 条`,
  order: '订单',
  backToOrders: '全部订单',
  product: '商品名称',
  attach: '附加字段',
  transactionId: '网关流水号',
  queries: '网关查询',
  queryAttempts: '已查询次数',
  nextQuery: '下次查询',
  none: '无',
  askGateway: '立即向网关查询',
  askGatewayHint: '向网关查询此订单；网关确认已支付时标记为已支付。',
  requestFields: '已签名的支付请求',
  notifications: '异步通知',
  received: '收到时间',
  verdict: '处理结果',
  body: '原始内容',
  unverified: '未验证（声称属于此订单）',
  truncated: '前 512 字节',
  noNotifications: '未收到通知。',
  noAnomalies: '没有异常。',
  kind: '类型',
  detail: '详情',
  at: '时间',
  webhookEvents: 'Webhook 推送',
  event: '事件',
  attempts: '尝试次数',
  lastError: '最近错误',
  nextAttempt: '下次尝试',
  deliveredAt: '送达时间',
  stateFailed: '失败',
  statePending: '等待中',
  stateDelivered: '已送达',
  sendAgain: '重新推送',
  noEvents: '没有 Webhook 事件。',
  webhookOff: '未配置 Webhook（JUPAY_WEBHOOK_URL）。',
  notFound: '页面或订单不存在。',
  gateway: '网关',
  gatewayQueries: '网关查询',
  gatewayHint:
    '向网关发出的订单查询：速率上限（JUPAY_QUERY_RATE）、共享存储中等待计划查询的订单，以及本签名服务实例启动以来发出的查询。',
  rateCap: '速率上限',
  rateCapValue: (perSecond: number, reserve: number) =>
    `每秒 ${perSecond} 次：计划查询最多 ${perSecond - reserve} 次，${reserve} 次留给状态读取`,
  dueNow: '当前待查询',
  oldestDue: '最早到期于',
  lateBy: (seconds: number) => `已延迟 ${seconds} 秒`,
  countedSince: '本实例统计起始',
  lastActivity: '最近一分钟（有查询时）',
  currentMinute: (since: string) => `本分钟（自 ${since} 起）`,
  gatewayTitle: (id: string) => `网关：${id}`,
  sinceStart: '本实例启动以来',
  kindScheduled: '计划查询',
  kindStatus: '状态读取',
  sent: '已发出',
  deferred: '已推迟',
  skipped: '已跳过',
  meanDelay: '平均延迟',
  maxDelay: '最大延迟',
  seconds: (ms: number) => `${(ms / 1000).toFixed(1)} 秒`,
  gatewayLine: (due: number, late: number | null, perSecond: number) =>
    `网关查询：当前 ${due} 笔待查询${late === null ? '' : `，最早的已延迟 ${late} 秒`}；上限每秒 ${perSecond} 次。`,
  details: '详情',
  formSubmitted: '支付表单已提交',
  returned: '已从网关返回',
  notReported: '未报告',
  queryBudget: '查询额度',
  wholeSchedule: '完整计划',
  budgetUntilReach: (budget: number) => `在报告表单提交或顾客返回之前，最多 ${budget} 次计划查询`,
  waitingForReach: '暂停：等待表单提交报告或顾客返回',
  forbidden: '操作被拒绝：请刷新页面后重试。',
  done: {
    'query-paid': '网关确认已支付：订单已标记为已支付。',
    'query-already_paid': '订单此前已支付。',
    'query-not_paid': '网关返回：未支付。',
    'query-amount_mismatch': '网关返回的金额不一致：已记为异常，未标记支付。',
    'query-failed': '无法查询网关（详见日志）；后台会按计划再次查询。',
    'query-not_found': '订单不存在。',
    'query-skipped': '网关查询已达速率上限，10 秒内没有空位：这次未查询；后台会按计划再次查询。',
    'resend-ok': 'Webhook 已送达。',
    'resend-failed': 'Webhook 未被接受；事件仍在队列中，将继续重试。',
  },
  language: '语言',
};

/**
 * The words of a language.
 * @example
 * messages('en').orders; // 'Orders'
 */
export function messages(lang: ConsoleLang): Messages {
  return lang === 'en' ? EN : ZH;
}

/**
 * The language for a request: an explicit choice, else the cookie, else Accept-Language.
 * @example
 * pickLang({ query: 'en' }); // 'en'
 * pickLang({ acceptLanguage: 'zh-CN,zh;q=0.9,en;q=0.8' }); // 'zh-CN'
 */
export function pickLang(from: {
  query?: string | undefined;
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
}): ConsoleLang {
  for (const choice of [from.query, from.cookie]) {
    if (choice === 'en' || choice === 'zh-CN') return choice;
  }
  // The first language the browser names that the console has.
  for (const part of (from.acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}
