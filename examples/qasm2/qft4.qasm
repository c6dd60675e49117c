// A 4-qubit quantum Fourier transform on the basis state |0101>, then a
// measurement of every qubit. The controlled phase is a user gate with a
// parameter, expanded at each call (docs/qasm2.md).
OPENQASM 2.0;
include "qelib1.inc";

gate cphase(theta) c, t {
  u1(theta/2) c;
  cx c, t;
  u1(-theta/2) t;
  cx c, t;
  u1(theta/2) t;
}

qreg q[4];
creg c[4];

x q[1];
x q[3];
barrier q;

h q[0];
cphase(pi/2) q[1], q[0];
cphase(pi/4) q[2], q[0];
cphase(pi/8) q[3], q[0];
h q[1];
cphase(pi/2) q[2], q[1];
cphase(pi/4) q[3], q[1];
h q[2];
cphase(pi/2) q[3], q[2];
h q[3];
swap q[0], q[3];
swap q[1], q[2];

measure q -> c;
