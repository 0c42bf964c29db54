// The yardstick of bench/run: the plainest client that does the provisioner's job on the wire.
// N creates, C at once, over keep-alive connections (one per slot), each body JSON with its own
// provisionerKey and Idempotency-Key, each answer read whole and parsed. No retries, no ledger.
//
//   node bench/loop.js BASE_URL API_KEY SPACE N C KEY_PREFIX
//
// Prints one line of JSON: {"ok":..., "errors":..., "ms":...} (first request to last answer).
'use strict';
const http = require('http');

const [base, apiKey, space, nText, cText, prefix] = process.argv.slice(2);
const n = Number(nText);
const c = Number(cText);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: c });
const path = `/v1/spaces/${encodeURIComponent(space)}/runtimes`;

let next = 0;
let ok = 0;
let errors = 0;
const start = process.hrtime.bigint();

function one(done) {
  if (next >= n) {
    done();
    return;
  }
  const i = next++;
  const key = `${prefix}-${i}`;
  const body = JSON.stringify({
    type: 'browser', name: `rt-${i}`, config: { stealth: 'high' }, metadata: { provisionerKey: key },
  });
  const req = http.request({
    host: url.hostname, port: url.port, path, method: 'POST', agent,
    headers: {
      authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json',
      'idempotency-key': key, 'content-length': Buffer.byteLength(body),
    },
  }, (res) => {
    const chunks = [];
    res.on('data', (d) => chunks.push(d));
    res.on('end', () => {
      try {
        const runtime = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (res.statusCode === 200 && runtime.id) ok++; else errors++;
      } catch (e) {
        errors++;
      }
      one(done);
    });
  });
  req.on('error', () => { errors++; one(done); });
  req.end(body);
}

let running = c;
for (let k = 0; k < c; k++) {
  one(() => {
    if (--running === 0) {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      console.log(JSON.stringify({ ok, errors, ms }));
      agent.destroy();
    }
  });
}
