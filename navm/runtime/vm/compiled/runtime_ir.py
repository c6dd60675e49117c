"""Hand-written LLVM IR helpers linked into every kernel: Python-exact float modulo, exact
int/float comparison, and the page table that holds QBC memory.

Memory is paged: a page is PAGE_WORDS consecutive words (bits in one pool
array, type tags in another: 0 unwritten, 1 int, 2 float). A hash table
(Fibonacci hashing of the page number, linear probing, EMPTY_PAGE marks a
free slot) maps page numbers to pool indices. Accesses to nearby addresses
stay in the same cache lines, and the table stays small enough for L1.
"""

from navm.runtime.vm.memory import PAGE_SHIFT, PAGE_WORDS, TAG_FLOAT, TAG_INT, TAG_UNWRITTEN  # noqa: F401

EMPTY_PAGE = 1 << 62  # no page number reaches this (addresses are int64)



RUNTIME_IR = r"""
declare double @llvm.copysign.f64(double, double)

define internal double @py_fmod(double %a, double %b) alwaysinline {
entry:
  %m = frem double %a, %b
  %nz = fcmp une double %m, 0.0
  br i1 %nz, label %adjust, label %zero
adjust:
  %bn = fcmp olt double %b, 0.0
  %mn = fcmp olt double %m, 0.0
  %differ = xor i1 %bn, %mn
  %mb = fadd double %m, %b
  %r = select i1 %differ, double %mb, double %m
  ret double %r
zero:
  %z = call double @llvm.copysign.f64(double 0.0, double %b)
  ret double %z
}

define internal i64 @cmp_int_float(i64 %i, double %f) alwaysinline {
entry:
  %nan = fcmp uno double %f, %f
  br i1 %nan, label %unordered, label %a
a:
  %big = fcmp oge double %f, 0x43E0000000000000
  br i1 %big, label %less, label %b
b:
  %small = fcmp olt double %f, 0xC3E0000000000000
  br i1 %small, label %greater, label %c
c:
  %t = fptosi double %f to i64
  %lt = icmp slt i64 %i, %t
  br i1 %lt, label %less, label %d
d:
  %gt = icmp sgt i64 %i, %t
  br i1 %gt, label %greater, label %e
e:
  %tf = sitofp i64 %t to double
  %fr = fsub double %f, %tf
  %pos = fcmp ogt double %fr, 0.0
  br i1 %pos, label %less, label %g
g:
  %neg = fcmp olt double %fr, 0.0
  br i1 %neg, label %greater, label %equal
unordered:
  ret i64 2
less:
  ret i64 -1
greater:
  ret i64 1
equal:
  ret i64 0
}

define internal i64 @slot_of(i64 %page, i64 %shift) alwaysinline {
  %h = mul i64 %page, -7046029254386353131
  %s = lshr i64 %h, %shift
  ret i64 %s
}

; The slot holding %page, or the free slot where it would go (linear probing).
define internal i64 @page_probe(ptr %keys, i64 %mask, i64 %shift, i64 %page) alwaysinline {
entry:
  %s0 = call i64 @slot_of(i64 %page, i64 %shift)
  br label %loop
loop:
  %s = phi i64 [%s0, %entry], [%sn, %next]
  %kp = getelementptr i64, ptr %keys, i64 %s
  %k = load i64, ptr %kp
  %hit = icmp eq i64 %k, %page
  %empty = icmp eq i64 %k, 4611686018427387904
  %stop = or i1 %hit, %empty
  br i1 %stop, label %done, label %next
next:
  %s1 = add i64 %s, 1
  %sn = and i64 %s1, %mask
  br label %loop
done:
  ret i64 %s
}

; The pool index of %page, or -1.
define internal i64 @page_find(ptr %keys, ptr %vals, i64 %mask, i64 %shift, i64 %page) alwaysinline {
  %s = call i64 @page_probe(ptr %keys, i64 %mask, i64 %shift, i64 %page)
  %kp = getelementptr i64, ptr %keys, i64 %s
  %k = load i64, ptr %kp
  %hit = icmp eq i64 %k, %page
  %vp = getelementptr i64, ptr %vals, i64 %s
  %v = load i64, ptr %vp
  %r = select i1 %hit, i64 %v, i64 -1
  ret i64 %r
}

; The pool index of %page; a missing page gets index %fresh: returns 2*index + (1 if it was new).
define internal i64 @page_claim(ptr %keys, ptr %vals, i64 %mask, i64 %shift, i64 %page, i64 %fresh) alwaysinline {
entry:
  %s = call i64 @page_probe(ptr %keys, i64 %mask, i64 %shift, i64 %page)
  %kp = getelementptr i64, ptr %keys, i64 %s
  %k = load i64, ptr %kp
  %hit = icmp eq i64 %k, %page
  %vp = getelementptr i64, ptr %vals, i64 %s
  br i1 %hit, label %found, label %claim
found:
  %v = load i64, ptr %vp
  %f2 = shl i64 %v, 1
  ret i64 %f2
claim:
  store i64 %page, ptr %kp
  store i64 %fresh, ptr %vp
  %c2 = shl i64 %fresh, 1
  %c3 = or i64 %c2, 1
  ret i64 %c3
}

; Move every entry of the old page table into the (empty, larger) new one.
define void @page_rehash(ptr %okeys, ptr %ovals, i64 %ocap, ptr %nkeys, ptr %nvals, i64 %ncap, i64 %nshift) {
entry:
  %mask = sub i64 %ncap, 1
  %any = icmp sgt i64 %ocap, 0
  br i1 %any, label %loop, label %done
loop:
  %j = phi i64 [0, %entry], [%j1, %cont]
  %kp = getelementptr i64, ptr %okeys, i64 %j
  %k = load i64, ptr %kp
  %free = icmp eq i64 %k, 4611686018427387904
  br i1 %free, label %cont, label %move
move:
  %vp = getelementptr i64, ptr %ovals, i64 %j
  %v = load i64, ptr %vp
  %c = call i64 @page_claim(ptr %nkeys, ptr %nvals, i64 %mask, i64 %nshift, i64 %k, i64 %v)
  br label %cont
cont:
  %j1 = add i64 %j, 1
  %more = icmp slt i64 %j1, %ocap
  br i1 %more, label %loop, label %done
done:
  ret void
}
"""
