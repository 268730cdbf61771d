// validate.js FILE...: every document of every Kubernetes manifest checked
// against the Kubernetes API's JSON schema (npm: kubernetes-models, the
// API's OpenAPI definitions compiled into validators), then what our
// DaemonSet promises (README, "Cluster deployment").  TAP on stdout.
'use strict';
const fs = require('fs');
const YAML = require('yaml');

let n = 0, failed = 0;
function ok(pass, what, why) {
	n++;
	console.log(`${pass ? 'ok' : 'not ok'} ${n} - ${what}`);
	if (!pass) {
		failed++;
		for (const line of String(why || '').split('\n')) console.log(`# ${line}`);
	}
}

// kubernetes-models/<group>/<version> (the core group: kubernetes-models/v1).
function model(doc) {
	const parts = String(doc.apiVersion).split('/');
	const mod = require(`kubernetes-models/${parts.join('/')}`);
	if (!mod[doc.kind]) throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
	return mod[doc.kind];
}

function schemaError(obj) {
	try {
		new (model(obj))(obj).validate();
		return null;
	} catch (e) {
		return e.message;
	}
}

const docs = [];
for (const file of process.argv.slice(2)) {
	let parsed;
	try {
		parsed = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		ok(false, `${file}: readable`, e.message);
		continue;
	}
	for (const d of parsed) {
		if (d.errors.length) {
			ok(false, `${file}: YAML`, d.errors.map(e => e.message).join('\n'));
			continue;
		}
		const obj = d.toJSON();
		if (!obj)
			continue;
		const what = `${file}: ${obj.apiVersion} ${obj.kind} ${obj.metadata && obj.metadata.name}`;
		const err = schemaError(obj);
		ok(err === null, `${what} matches the API schema`, err);
		docs.push(obj);
	}
}

// The validator is not vacuous: it refuses a DaemonSet with a wrong type and
// one without a required field.
const ds = docs.find(d => d.kind === 'DaemonSet' && d.metadata.name === 'sockaccel');
ok(!!ds, 'daemonset.yaml has the sockaccel DaemonSet');
if (ds) {
	const bad = JSON.parse(JSON.stringify(ds));
	bad.spec.template.spec.terminationGracePeriodSeconds = 'thirty';
	ok(schemaError(bad) !== null, 'the schema refuses terminationGracePeriodSeconds: "thirty"');
	const bad2 = JSON.parse(JSON.stringify(ds));
	delete bad2.spec.template.spec.containers[0].name;
	ok(schemaError(bad2) !== null, 'the schema refuses a container without a name');

	const pod = ds.spec.template.spec;
	const c = pod.containers[0];
	const sc = c.securityContext;
	const ru = ds.spec.updateStrategy.rollingUpdate || {};
	ok(ds.spec.updateStrategy.type === 'RollingUpdate' && ru.maxUnavailable === 0 && ru.maxSurge >= 1,
	   'RollingUpdate: the new agent starts before the old one stops (maxSurge, maxUnavailable 0)');
	ok(c.args.includes('run') && c.args.includes('--keep'),
	   'the agent runs `sockaccel run --keep`: an upgrade leaves the install to the next agent');
	ok(pod.tolerations.some(t => t.operator === 'Exists' && !t.key && !t.effect),
	   'tolerates every taint: one agent on every node');
	ok(c.readinessProbe && c.readinessProbe.httpGet && c.readinessProbe.httpGet.path === '/metrics',
	   'readiness is the metrics endpoint answering');
	ok(sc.privileged !== true && sc.capabilities.drop.includes('ALL') &&
	   JSON.stringify([...sc.capabilities.add].sort()) === JSON.stringify(['BPF', 'NET_ADMIN', 'PERFMON']),
	   'not privileged: every capability dropped but BPF, NET_ADMIN and PERFMON (backpressure\'s raw tracepoint program)');
	ok(sc.allowPrivilegeEscalation === false && sc.readOnlyRootFilesystem === true,
	   'no privilege escalation, read-only root file system');
	const mounts = Object.fromEntries(c.volumeMounts.map(m => [m.mountPath, m]));
	const host = Object.fromEntries(pod.volumes.map(v => [v.name, v.hostPath && v.hostPath.path]));
	ok(mounts['/sys/fs/cgroup'] && host[mounts['/sys/fs/cgroup'].name] === '/sys/fs/cgroup' &&
	   mounts['/sys/fs/bpf'] && host[mounts['/sys/fs/bpf'].name] === '/sys/fs/bpf',
	   'the host\'s /sys/fs/cgroup and /sys/fs/bpf are mounted at the same paths');
	ok(c.resources && c.resources.requests && c.resources.limits && c.resources.limits.memory,
	   'resource requests and a memory limit');
	ok(Number.isInteger(pod.terminationGracePeriodSeconds) && pod.terminationGracePeriodSeconds > 0,
	   'terminationGracePeriodSeconds is set');
	ok(pod.automountServiceAccountToken === false && !pod.hostNetwork && !pod.hostPID,
	   'no API token, no host network or PID namespace');
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
