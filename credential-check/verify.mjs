// An independent verifier for the platform's Open Badges 3.0 credentials, built on
// the Digital Credentials Consortium's libraries (not on the platform's own code).
//
//   node verify.mjs DIR NAME:EXPECTED ...
//
// DIR holds did.json (the site's DID document), status/<n>.json (its status lists)
// and the credentials; EXPECTED is "valid", "revoked" or "invalid". The document
// loader serves only the JSON-LD contexts bundled in certificates/contexts/ and the
// files in DIR: nothing is fetched from the network. Each credential is also checked
// with Ajv against every schema its credentialSchema names (1EdTech's OB 3.0 schema,
// bundled in certificates/schemas/). Exits non-zero if any answer differs.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import * as vc from '@digitalcredentials/vc';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite as eddsaRdfc2022CryptoSuite } from
  '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', 'certificates', 'contexts');
const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json':
    'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://w3id.org/security/multikey/v1': 'multikey-v1.jsonld',
};

const schemasDir = join(here, '..', 'certificates', 'schemas');
const SCHEMAS = {
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json':
    'ob_v3p0_achievementcredential_schema.json',
};

const [dir, ...cases] = process.argv.slice(2);
if (!dir || cases.length === 0) {
  console.error('usage: node verify.mjs DIR NAME:valid|revoked ...');
  process.exit(2);
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const didDocument = readJson(join(dir, 'did.json'));
const statusLists = {};
for (const name of readdirSync(join(dir, 'status'))) {
  const list = readJson(join(dir, 'status', name));
  statusLists[list.id] = list;
}

async function documentLoader(url) {
  const answer = (document) => ({ contextUrl: null, documentUrl: url, document });
  if (CONTEXTS[url]) {
    return answer(readJson(join(contextsDir, CONTEXTS[url])));
  }
  const [base, fragment] = url.split('#');
  if (base === didDocument.id) {
    if (!fragment) return answer(didDocument);
    const method = didDocument.verificationMethod.find((m) => m.id === url);
    if (method) {
      return answer({ '@context': 'https://w3id.org/security/multikey/v1', ...method });
    }
  }
  if (statusLists[url]) return answer(statusLists[url]);
  throw new Error(`The document loader will not fetch ${url}`);
}

const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022CryptoSuite });

// 1EdTech's schema uses the 2019-09 forms Ajv's strict mode warns about (tuple
// "items" with "additionalItems"), so strict mode is off; formats are asserted.
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
function schemaErrors(credential) {
  const named = [].concat(credential.credentialSchema || []);
  if (named.length === 0) return ['it names no schema'];
  const errors = [];
  for (const { id, type } of named) {
    if (type !== '1EdTechJsonSchemaValidator2019' || !SCHEMAS[id]) {
      errors.push(`unknown schema ${id} (${type})`);
      continue;
    }
    const validate = ajv.getSchema(id)
      || ajv.compile(readJson(join(schemasDir, SCHEMAS[id])));
    if (!validate(credential)) {
      for (const e of validate.errors.slice(0, 3)) {
        errors.push(`${e.instancePath || 'credential'} ${e.message}`);
      }
    }
  }
  return errors;
}

async function checkStatus({ credential }) {
  const entry = credential.credentialStatus;
  const { document: list } = await documentLoader(entry.statusListCredential);
  const listResult = await vc.verifyCredential({
    credential: list, suite, documentLoader,
  });
  if (!listResult.verified) {
    return { verified: false, error: new Error('status list does not verify') };
  }
  if (new Date(list.validUntil) <= new Date()) {
    return { verified: false, error: new Error('status list is stale') };
  }
  const encoded = list.credentialSubject.encodedList;
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  const revoked = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
  return revoked
    ? { verified: false, error: new Error(`revoked (status list bit ${index})`) }
    : { verified: true };
}

let failures = 0;
let passes = 0;
for (const spec of cases) {
  const [name, expected] = spec.split(':');
  const credential = readJson(join(dir, name));
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus,
  });
  const proofOk = (result.results || []).every((r) => r.verified);
  const schemaProblems = schemaErrors(credential);
  let got;
  if (schemaProblems.length) got = 'invalid';
  else if (result.verified) got = 'valid';
  else if (proofOk && result.statusResult && !result.statusResult.verified) {
    got = 'revoked';
  } else got = 'invalid';
  const ok = got === expected;
  if (ok) passes += 1; else failures += 1;
  const error = (schemaProblems.length
    && new Error(`schema: ${schemaProblems.join('; ')}`))
    || result.error
    || (result.results || []).map((r) => r.error).find(Boolean);
  const detail = error ? ` (${error.message || error})` : '';
  // The reason is printed whenever the answer is not "valid", so a log shows why.
  console.log(`${ok ? 'ok' : 'FAIL'} ${name}: expected ${expected}, got ${got}${got === 'valid' ? '' : detail}`);
  if (got !== 'valid' && error && error.errors) {
    for (const e of error.errors) console.log('   ', e.message || e);
  }
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
