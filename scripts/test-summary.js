// Prints Jest's result as the plain closing line CI reads ("tests: N passed, N failed"), from the
// JSON report `make test` asks Jest to write.
const { readFileSync } = require('node:fs');
const file = process.argv[2] ?? 'test-results/jest.json';
const r = JSON.parse(readFileSync(file, 'utf8'));
process.stdout.write(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed\n`);
