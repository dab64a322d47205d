// The official Node SDKs, with their default settings and signed, against a reference server.
// Usage: node check.js ENDPOINT_URL TRUTH_JSON   (run by `nox -s node-clients`, which installs the SDKs)
// Prints one JSON object per SDK: what it listed at each limit, and what put, get and delete gave back.
'use strict';
const [endpoint, truthPath] = process.argv.slice(2);
const truth = JSON.parse(require('fs').readFileSync(truthPath, 'utf8'));
const { accessKeyId, accessKeySecret, service, fn, limits, qualifier, put } = truth;
const host = endpoint.replace(/^https?:\/\//, '');

async function walk(list, limit) {
  const seen = [];
  let token;
  for (let page = 0; page < 1000; page++) {
    const { configs, nextToken } = await list(limit, token);
    seen.push(...configs.map((c) => c.qualifier));
    if (!nextToken) return seen;
    token = nextToken;
  }
  throw new Error(`no last page after 1000 pages at limit ${limit}`);
}

async function errorOf(promise) {
  try { await promise; return null; } catch (e) { return { code: String(e.code), data: e.data || null }; }
}

async function teaSdk() {
  const Client = require('@alicloud/fc-open20210406').default;
  const models = require('@alicloud/fc-open20210406');
  const { Config } = require('@alicloud/openapi-client');
  const client = new Client(new Config({ endpoint: host, protocol: 'http', regionId: 'cn-hangzhou', accessKeyId,
    accessKeySecret }));
  const list = async (limit, nextToken) => {
    const r = await client.listFunctionAsyncInvokeConfigs(service, fn,
      new models.ListFunctionAsyncInvokeConfigsRequest({ limit, nextToken }));
    return { configs: r.body.configs || [], nextToken: r.body.nextToken };
  };
  const out = { walks: {} };
  for (const limit of limits) out.walks[String(limit)] = await walk(list, limit === null ? undefined : limit);
  const putAnswer = await client.putFunctionAsyncInvokeConfig(service, fn,
    new models.PutFunctionAsyncInvokeConfigRequest({ qualifier, ...put }));
  out.put = putAnswer.body.toMap();
  out.get = (await client.getFunctionAsyncInvokeConfig(service, fn,
    new models.GetFunctionAsyncInvokeConfigRequest({ qualifier }))).body.toMap();
  await client.deleteFunctionAsyncInvokeConfig(service, fn,
    new models.DeleteFunctionAsyncInvokeConfigRequest({ qualifier }));
  out.afterDelete = await errorOf(client.getFunctionAsyncInvokeConfig(service, fn,
    new models.GetFunctionAsyncInvokeConfigRequest({ qualifier })));
  return out;
}

async function fc2Sdk() {
  const FC = require('@alicloud/fc2');
  const client = new FC('188077086902', { endpoint, region: 'cn-hangzhou', accessKeyID: accessKeyId,
    accessKeySecret, timeout: 10000 });
  const list = async (limit, nextToken) => {
    const query = {};
    if (limit !== undefined) query.limit = limit;
    if (nextToken) query.nextToken = nextToken;
    const r = await client.listFunctionAsyncConfigs(service, fn, query);
    return { configs: r.data.configs || [], nextToken: r.data.nextToken };
  };
  const out = { walks: {} };
  for (const limit of limits) out.walks[String(limit)] = await walk(list, limit === null ? undefined : limit);
  out.put = (await client.putFunctionAsyncConfig(service, fn, qualifier, put)).data;
  out.get = (await client.getFunctionAsyncConfig(service, fn, qualifier)).data;
  await client.deleteFunctionAsyncConfig(service, fn, qualifier);
  out.afterDelete = await errorOf(client.getFunctionAsyncConfig(service, fn, qualifier));
  return out;
}

(async () => {
  const results = {};
  for (const [name, run] of [['@alicloud/fc-open20210406', teaSdk], ['@alicloud/fc2', fc2Sdk]]) {
    try { results[name] = await run(); } catch (e) { results[name] = { error: `${e.name}: ${e.message}` }; }
  }
  process.stdout.write(JSON.stringify(results) + '\n');
})();
