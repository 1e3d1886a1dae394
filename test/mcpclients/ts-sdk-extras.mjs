#!/usr/bin/env node
// ts-sdk-extras.mjs drives a stdio MCP server with the official TypeScript SDK
// client (@modelcontextprotocol/sdk 1.x) for what MCP offers beside tools, and
// compares what the server says with what the Paperclip REST API says:
//   * resources: resources/list shows a failed run, first; the templates are
//     listed; the run and its log read as resources (the log window equals the
//     REST log content byte for byte);
//   * prompts: listed, and each one got;
//   * completion/complete: an agent id completed from its name (prompt
//     argument), a run id completed from its first characters (resource
//     template parameter);
//   * elicitation: the client declares it and answers the confirmation of a
//     destructive call (paperclip_terminate_agent): a decline leaves the agent
//     as it was (REST), an accept terminates it (REST).
// It prints one line per check ("ok   ..." or "FAIL ..."); exit 0 when every
// check passed, 1 otherwise, 2 on a usage error.
//
//   node ts-sdk-extras.mjs -- SERVER_CMD [ARGS...]
//
// Env: PAPERCLIP_API_URL and PAPERCLIP_COMPANY_ID (a real Paperclip, local_trusted,
// and a company on it: the script creates two process agents there and wakes one,
// whose run fails); MCP_CHECK_TIMEOUT (whole run, seconds, default 90). The server
// inherits this environment, with PAPERCLIP_TOOLSETS=default,agent_admin.
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
if (dash !== 0 || argv.length < 2) {
  console.error('usage: ts-sdk-extras.mjs -- SERVER_CMD [ARGS...]');
  process.exit(2);
}
const [command, ...commandArgs] = argv.slice(1);
const origin = (process.env.PAPERCLIP_API_URL ?? '').replace(/\/+$/, '').replace(/\/api$/, '');
const companyId = process.env.PAPERCLIP_COMPANY_ID;
if (!origin || !companyId) {
  console.error('ts-sdk-extras: PAPERCLIP_API_URL and PAPERCLIP_COMPANY_ID are required');
  process.exit(2);
}

const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');

let failed = 0;
const ok = (msg) => console.log(`ok   ${msg}`);
const fail = (msg) => {
  failed++;
  console.log(`FAIL ${msg}`);
};
const oneLine = (s, n = 300) => String(s).replace(/\s+/g, ' ').slice(0, n);
const check = (cond, msg, why) => (cond ? ok(msg) : fail(`${msg}: ${why}`));

const timeoutS = Number(process.env.MCP_CHECK_TIMEOUT ?? 90);
const killer = setTimeout(() => {
  fail(`no result within ${timeoutS}s`);
  process.exit(1);
}, timeoutS * 1000);

async function rest(method, path, body) {
  const res = await fetch(`${origin}/api${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(20000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${oneLine(text, 200)}`);
  return text ? JSON.parse(text) : null;
}
const final = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted']);

// What the person answers to the next confirmation, and what they were asked.
let answer = { action: 'decline' };
const asked = [];

const client = new Client(
  { name: 'paperclip-mcp-ts-sdk-extras', version: '1.0.0' },
  { capabilities: { elicitation: {} } },
);
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  asked.push(req.params);
  return answer;
});
client.onerror = (e) => fail(`transport error: ${oneLine(e?.message ?? e, 200)}`);

try {
  // A failed run to attach, and an agent to terminate (or not).
  const stamp = Date.now().toString(36);
  const failer = await rest('POST', `/companies/${companyId}/agents`, {
    name: `Extras Failer ${stamp}`,
    adapterType: 'process',
    adapterConfig: {
      command: '/bin/sh',
      args: ['-c', 'for i in 1 2 3 4 5; do echo "extras line $i: naïve café ✓"; done; echo boom >&2; exit 3'],
      cwd: '/tmp',
      timeoutSec: 30,
    },
  });
  const victim = await rest('POST', `/companies/${companyId}/agents`, {
    name: `Extras Victim ${stamp}`,
    adapterType: 'process',
    adapterConfig: { command: '/bin/true', cwd: '/tmp', timeoutSec: 30 },
  });
  const wake = await rest('POST', `/agents/${failer.id}/wakeup`, { source: 'on_demand', triggerDetail: 'manual', reason: 'extras' });
  let run;
  for (let i = 0; i < 120; i++) {
    run = await rest('GET', `/heartbeat-runs/${wake.id}`);
    if (final.has(run.status)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  check(run.status === 'failed', `a failed run to attach: ${run.id} (${run.status})`, 'the run did not fail');

  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => typeof v === 'string'));
  env.PAPERCLIP_TOOLSETS = 'default,agent_admin';
  await client.connect(new StdioClientTransport({ command, args: commandArgs, env, stderr: 'inherit' }));
  const caps = client.getServerCapabilities() ?? {};
  check(caps.resources?.subscribe && caps.prompts && caps.completions, 'server declares resources (subscribe), prompts, completions',
    JSON.stringify(caps));

  // ------------------------------------------------------------ resources
  const list = await client.listResources();
  const runURI = `paperclip://runs/${run.id}`;
  const at = list.resources.findIndex((r) => r.uri === runURI);
  const firstFailed = list.resources.findIndex((r) => /fail|timed_out/i.test(`${r.name} ${r.description ?? ''}`));
  check(at >= 0 && (at === firstFailed || at === 0), `resources/list: ${list.resources.length} resources, the failed run among the failed ones first (#${at})`,
    `the run is at ${at}, first failed at ${firstFailed}: ${oneLine(JSON.stringify(list.resources.slice(0, 3)))}`);
  const templates = await client.listResourceTemplates();
  const want = ['paperclip://runs/{runId}', 'paperclip://runs/{runId}/events', 'paperclip://issues/{issueId}', 'paperclip://agents/{agentId}'];
  const have = templates.resourceTemplates.map((t) => t.uriTemplate);
  check(want.every((u) => have.includes(u)) && have.some((u) => u.startsWith('paperclip://runs/{runId}/log')),
    `resources/templates/list: ${have.join(' ')}`, `want ${want.join(' ')} and the log template`);

  const runRes = await client.readResource({ uri: runURI });
  const runBody = JSON.parse(runRes.contents[0].text);
  check(runRes.contents[0].mimeType === 'application/json' && runBody.id === run.id && runBody.status === run.status,
    `read ${runURI}: application/json, status ${runBody.status} as REST says`, oneLine(runRes.contents[0].text, 200));

  const restLog = await rest('GET', `/heartbeat-runs/${run.id}/log?offset=0&limitBytes=65536`);
  const logURI = `paperclip://runs/${run.id}/log?offset=0&limitBytes=65536`;
  const logRes = await client.readResource({ uri: logURI });
  const c = logRes.contents[0];
  check(c.mimeType === 'application/x-ndjson' && c.text === restLog.content && c.text.length > 0,
    `read ${logURI}: ${Buffer.byteLength(c.text)} bytes of application/x-ndjson, byte for byte the REST log`,
    `mime ${c.mimeType}, ${Buffer.byteLength(c.text ?? '')} bytes vs REST ${Buffer.byteLength(restLog.content ?? '')}`);

  // ------------------------------------------------------------ prompts
  const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
  const wantPrompts = ['debug-failed-run', 'push-company-to-cloud', 'triage-my-inbox', 'review-pending-approvals'];
  check(wantPrompts.every((p) => prompts.includes(p)), `prompts/list: ${prompts.join(', ')}`, `want ${wantPrompts.join(', ')}`);
  for (const name of wantPrompts) {
    try {
      const args = name === 'debug-failed-run' ? { runId: run.id } : {};
      const p = await client.getPrompt({ name, arguments: args });
      const text = p.messages.map((m) => m.content?.text ?? '').join('\n');
      const tools = [...new Set(text.match(/paperclip_[a-z_]+/g) ?? [])];
      check(p.messages.length > 0 && tools.length > 0 && (name !== 'debug-failed-run' || text.includes(run.id)),
        `prompts/get ${name}: ${p.messages.length} message(s) naming ${tools.slice(0, 4).join(', ')}${tools.length > 4 ? ', ...' : ''}`,
        oneLine(text, 200));
    } catch (e) {
      fail(`prompts/get ${name}: ${oneLine(e.message)}`);
    }
  }

  // ------------------------------------------------------------ completion
  const byName = await client.complete({
    ref: { type: 'ref/prompt', name: 'debug-failed-run' },
    argument: { name: 'agentId', value: `failer ${stamp}` },
  });
  check(byName.completion.values.includes(failer.id), `completion/complete debug-failed-run agentId from its name: ${byName.completion.values.length} value(s), the agent's id among them`,
    JSON.stringify(byName.completion));
  const byPrefix = await client.complete({
    ref: { type: 'ref/resource', uri: 'paperclip://runs/{runId}' },
    argument: { name: 'runId', value: run.id.slice(0, 6) },
  });
  check(byPrefix.completion.values.includes(run.id), `completion/complete paperclip://runs/{runId} runId from "${run.id.slice(0, 6)}": the run's id`,
    JSON.stringify(byPrefix.completion));

  // ------------------------------------------------------------ elicitation
  answer = { action: 'decline' };
  const declined = await client.callTool({ name: 'paperclip_terminate_agent', arguments: { agentId: victim.id } });
  const declinedText = (declined.content ?? []).map((b) => b.text ?? '').join(' ');
  const afterDecline = await rest('GET', `/agents/${victim.id}`);
  check(asked.length === 1 && asked[0].message.includes(victim.id) && declined.isError && /declined/.test(declinedText) && afterDecline.status !== 'terminated',
    `decline: asked once ("${oneLine(asked[0]?.message ?? '', 60)}..."), the tool says "${oneLine(declinedText, 70)}", REST: still ${afterDecline.status}`,
    `asked ${asked.length}, isError ${declined.isError}, text ${oneLine(declinedText, 120)}, REST ${afterDecline.status}`);
  answer = { action: 'accept', content: { confirm: true } };
  const accepted = await client.callTool({ name: 'paperclip_terminate_agent', arguments: { agentId: victim.id } });
  const afterAccept = await rest('GET', `/agents/${victim.id}`);
  check(asked.length === 2 && !accepted.isError && afterAccept.status === 'terminated',
    `accept: asked again, the agent is terminated (REST: ${afterAccept.status})`,
    `asked ${asked.length}, isError ${accepted.isError}: ${oneLine(JSON.stringify(accepted.content), 160)}`);
} catch (e) {
  fail(oneLine(e?.stack ?? e?.message ?? e, 400));
} finally {
  clearTimeout(killer);
  await client.close().catch(() => {});
}
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
