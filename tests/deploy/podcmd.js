// podcmd.js FILE NAME [caps]: the command and arguments of DaemonSet NAME's
// first container in FILE, one per line (what the image test runs); with
// caps, the capabilities it adds instead, as capexec takes them
// ("bpf,net_admin": lower case, comma-separated).
'use strict';
const YAML = require('yaml');
const fs = require('fs');
const docs = YAML.parseAllDocuments(fs.readFileSync(process.argv[2], 'utf8')).map(d => d.toJSON());
const ds = docs.find(d => d && d.kind === 'DaemonSet' && d.metadata.name === process.argv[3]);
const c = ds.spec.template.spec.initContainers ? ds.spec.template.spec.initContainers[0] : ds.spec.template.spec.containers[0];
if (process.argv[4] === 'caps')
	console.log(c.securityContext.capabilities.add.map(x => x.toLowerCase()).join(','));
else
	for (const w of [...c.command, ...(c.args || [])]) console.log(w);
