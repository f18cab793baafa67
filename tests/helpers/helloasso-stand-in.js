'use strict';
/**
 * A stand-in for the HelloAsso API v5, on 127.0.0.1 (port 0), for the tests and `npm run bench`: the
 * token endpoint (client credentials, refresh tokens that rotate, tokens that expire), the organisation's
 * orders (date range with `to` excluded, sorted by date, pages followed by a continuation token that still
 * comes with the last page), the orders of one form, the payments (filtered by state), one order by id, one
 * payment, the forms. Failures can be injected
 * (`failNext`), tokens expired at will (`expireTokens`). Plain JS: required by the jest suites and by the bench.
 */
const http = require('http');
const crypto = require('crypto');

/** An instant as HelloAsso writes it: Paris offset and 7 fraction digits. */
const haDate = (date) => {
  const d = new Date(date);
  const paris = new Date(d.getTime() + 3600 * 1000);
  return `${paris.toISOString().slice(0, 19)}.${String(d.getMilliseconds()).padStart(3, '0')}4567+01:00`;
};

const startHelloAssoStandIn = async ({
  clientId = 'client-test',
  clientSecret = 'secret-test',
  slug = 'les-amis',
  expiresIn = 1800,
  maxPageSize = 100,
} = {}) => {
  const state = {
    orders: [],
    forms: [],
    tokens: new Map(), // access token → expiresAt (ms)
    refreshTokens: new Set(),
    failures: [], // { match: RegExp, status, count }
    requests: [], // { method, path, auth }
    tokenGrants: [],
    expiresIn,
    /** the largest page served, whatever pageSize asks (pages of 20 like a small HelloAsso page) */
    maxPageSize,
    /** API requests still served before every access token expires (null: never) */
    expireAfter: null,
  };

  const send = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = (req) =>
    new Promise((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
  const issue = () => {
    const access = crypto.randomBytes(16).toString('hex');
    const refresh = crypto.randomBytes(16).toString('hex');
    state.tokens.set(access, Date.now() + state.expiresIn * 1000);
    state.refreshTokens.add(refresh);
    return { access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: state.expiresIn };
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname;
    const auth = req.headers.authorization || '';
    state.requests.push({ method: req.method, path, query: url.search });
    const failure = state.failures.find((f) => f.count > 0 && f.match.test(`${path}${url.search}`));
    if (failure) {
      failure.count -= 1;
      return send(res, failure.status, { message: 'Erreur simulée' });
    }

    if (req.method === 'POST' && path === '/oauth2/token') {
      const form = new URLSearchParams(await readBody(req));
      state.tokenGrants.push(form.get('grant_type'));
      if (form.get('client_id') !== clientId) return send(res, 400, { error: 'invalid_client' });
      if (form.get('grant_type') === 'client_credentials') {
        if (form.get('client_secret') !== clientSecret) return send(res, 400, { error: 'invalid_client' });
        return send(res, 200, issue());
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token');
        if (!state.refreshTokens.has(refresh)) return send(res, 400, { error: 'invalid_grant' });
        state.refreshTokens.delete(refresh); // rotates: the old one no longer works
        return send(res, 200, issue());
      }
      return send(res, 400, { error: 'unsupported_grant_type' });
    }

    if (!path.startsWith('/v5/')) return send(res, 404, { message: 'Not found' });
    if (state.expireAfter !== null && state.expireAfter-- <= 0) {
      state.expireAfter = null;
      for (const k of state.tokens.keys()) state.tokens.set(k, 0);
    }
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const expiresAt = state.tokens.get(token);
    if (!expiresAt || expiresAt <= Date.now()) return send(res, 401, { message: 'Unauthorized' });
    if (req.headers.accept !== 'application/json') return send(res, 406, { message: 'Not acceptable' });

    // a list filtered on a date (`from` included, `to` excluded), sorted (`sortOrder`, HelloAsso's default: Desc), paginated
    const list = (rows, dateOf) => {
      const from = url.searchParams.get('from') ? new Date(url.searchParams.get('from')).getTime() : -Infinity;
      const to = url.searchParams.get('to') ? new Date(url.searchParams.get('to')).getTime() : Infinity;
      const pageSize = Math.min(state.maxPageSize, Number(url.searchParams.get('pageSize') || 20));
      const offset = url.searchParams.get('continuationToken')
        ? Number(Buffer.from(url.searchParams.get('continuationToken'), 'base64').toString())
        : 0;
      const time = (row) => new Date(dateOf(row).replace(/(\.\d{3})\d+/, '$1')).getTime();
      const asc = url.searchParams.get('sortOrder') === 'Asc';
      const matching = rows.filter((r) => time(r) >= from && time(r) < to).sort((a, b) => (asc ? time(a) - time(b) : time(b) - time(a)));
      const data = matching.slice(offset, offset + pageSize);
      return send(res, 200, {
        data,
        pagination: {
          pageSize,
          totalCount: -1,
          pageIndex: Math.floor(offset / pageSize) + 1,
          totalPages: -1,
          // like HelloAsso: a token even with the last page; the next call answers an empty page
          continuationToken: Buffer.from(String(offset + data.length)).toString('base64'),
        },
      });
    };

    let m;
    if ((m = /^\/v5\/organizations\/([^/]+)\/orders$/.exec(path))) {
      if (m[1] !== slug) return send(res, 404, { message: 'Organization not found' });
      const types = url.searchParams.getAll('formTypes');
      return list(
        state.orders.filter((o) => !types.length || types.includes(o.formType)),
        (o) => o.date
      );
    }
    if ((m = /^\/v5\/organizations\/([^/]+)\/forms\/([^/]+)\/([^/]+)\/orders$/.exec(path))) {
      if (m[1] !== slug) return send(res, 404, { message: 'Organization not found' });
      const [formType, formSlug] = [decodeURIComponent(m[2]), decodeURIComponent(m[3])];
      if (!state.forms.some((f) => f.formType === formType && f.formSlug === formSlug))
        return send(res, 404, { message: 'Form not found' });
      return list(
        state.orders.filter((o) => o.formType === formType && o.formSlug === formSlug),
        (o) => o.date
      );
    }
    if ((m = /^\/v5\/organizations\/([^/]+)\/payments$/.exec(path))) {
      if (m[1] !== slug) return send(res, 404, { message: 'Organization not found' });
      const states = url.searchParams.getAll('states');
      // a payment as the payments list gives it: its order and the items it pays, with their share
      const payments = state.orders.flatMap((o) =>
        (o.payments || []).map((p) => ({
          ...p,
          order: { id: o.id, date: o.date, formSlug: o.formSlug, formType: o.formType },
          payer: o.payer,
          items: (o.items || [])
            .filter((it) => (it.payments || []).some((ip) => ip.id === p.id))
            .map((it) => ({ id: it.id, shareAmount: it.payments.find((ip) => ip.id === p.id).shareAmount })),
        }))
      );
      return list(
        payments.filter((p) => !states.length || states.includes(p.state)),
        (p) => p.date
      );
    }
    if ((m = /^\/v5\/orders\/(\d+)$/.exec(path))) {
      const order = state.orders.find((o) => String(o.id) === m[1]);
      return order ? send(res, 200, order) : send(res, 404, { message: 'Order not found' });
    }
    if ((m = /^\/v5\/payments\/(\d+)$/.exec(path))) {
      const order = state.orders.find((o) => (o.payments || []).some((p) => String(p.id) === m[1]));
      if (!order) return send(res, 404, { message: 'Payment not found' });
      return send(res, 200, { ...order.payments.find((p) => String(p.id) === m[1]), order: { id: order.id } });
    }
    if ((m = /^\/v5\/organizations\/([^/]+)\/forms$/.exec(path))) {
      if (m[1] !== slug) return send(res, 404, { message: 'Organization not found' });
      const offset = url.searchParams.get('continuationToken')
        ? Number(Buffer.from(url.searchParams.get('continuationToken'), 'base64').toString())
        : 0;
      const data = state.forms.slice(offset, offset + 100);
      return send(res, 200, {
        data,
        pagination: {
          pageSize: 100,
          totalCount: state.forms.length,
          continuationToken: Buffer.from(String(offset + data.length)).toString('base64'),
        },
      });
    }
    return send(res, 404, { message: 'Not found' });
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    state,
    base,
    env: {
      HELLOASSO_CLIENT_ID: clientId,
      HELLOASSO_CLIENT_SECRET: clientSecret,
      HELLOASSO_ORGANIZATION_SLUG: slug,
      HELLOASSO_API_URL: `${base}/v5`,
      HELLOASSO_OAUTH_URL: `${base}/oauth2/token`,
      HELLOASSO_RETRY_DELAY_MS: '5',
    },
    /** the next `count` requests whose path and query match answer `status` */
    failNext: (match, count = 1, status = 500) => state.failures.push({ match, count, status }),
    /** every access token issued so far expires now (refresh tokens stay valid) */
    expireTokens: () => {
      for (const k of state.tokens.keys()) state.tokens.set(k, 0);
    },
    /** every access token issued so far expires after `count` more API requests (in the middle of a synchronisation) */
    expireTokensAfter: (count) => {
      state.expireAfter = count;
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
};

let nextId = 1000;
const id = () => (nextId += 1);

/**
 * An order as HelloAsso's API describes it (withDetails): `items` are [{ type, amount (cents), name, user, customFields, state }];
 * every item is paid by one payment of the whole amount unless `payments` is given.
 */
const makeOrder = ({
  date = new Date(),
  formSlug = 'adhesion-2026',
  formType = 'Membership',
  formName,
  payer,
  items,
  payments,
  orderId,
  paymentState = 'Authorized',
  fiscalReceiptUrl,
} = {}) => {
  const oid = orderId ?? id();
  const builtItems = items.map((it) => ({
    id: it.id ?? id(),
    type: it.type ?? 'Membership',
    state: it.state ?? 'Processed',
    amount: it.amount,
    name: it.name ?? 'Tarif normal',
    user: it.user ?? { firstName: payer.firstName, lastName: payer.lastName },
    customFields: it.customFields ?? [],
  }));
  const total = builtItems.reduce((s, it) => s + it.amount, 0);
  const builtPayments = payments ?? [
    {
      id: id(),
      state: paymentState,
      paymentMeans: 'Card',
      date: haDate(date),
      amount: total,
      amountTip: 0,
      refundOperations: [],
      ...(fiscalReceiptUrl ? { fiscalReceiptUrl } : {}),
    },
  ];
  for (const it of builtItems) it.payments = builtPayments.map((p) => ({ id: p.id, shareAmount: it.amount }));
  return {
    id: oid,
    date: haDate(date),
    formSlug,
    formType,
    formName: formName ?? formSlug,
    organizationSlug: 'les-amis',
    items: builtItems,
    payments: builtPayments,
    payer: { country: 'FRA', ...payer },
    amount: { total, vat: 0, discount: 0 },
  };
};

/** The order refunded: its payments refunded, with a refund operation. */
const refund = (order) => {
  for (const p of order.payments) {
    p.state = 'Refunded';
    p.refundOperations = [{ id: id(), amount: p.amount, state: 'Processed' }];
  }
  return order;
};

module.exports = { startHelloAssoStandIn, makeOrder, refund, haDate };
