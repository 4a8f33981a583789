#!/usr/bin/env python3
"""Model of the columnar run leaves (docs/manifest-format.md §N.7) on pgbench's changed rows.

Usage: columnar-model.py HISTORY ACCOUNTS [bytes]
  HISTORY   COPY text of pgbench_history after `pgbench -t 5000` (all its rows)
  ACCOUNTS  COPY text of the pgbench_accounts rows whose balance changed, ordered by aid
  (see compression-bound.py for the psql commands)

Builds each table's run entries as Amber keys them (accounts by aid; history by content: its
values and an ordinal), cuts them into leaves of about 64 KiB of row-by-row encoding, and prints
the zstd -9 size of every leaf row by row and column by column (the format of §N.7, modelled:
type bytes, frame-of-reference bit-packed integers, texts coded by shape), with a per-column
breakdown. With `bytes`, integer streams of width ≤ 8 are written a byte per value instead.
Needs the zstd command. A model, not the implementation: the real sizes come from
`amber backup --json` (added_bytes).
"""
import subprocess, sys, re, struct
def zs(data, level):
    return len(subprocess.run(["zstd","-q",f"-{level}","-c","--no-check"],input=data,capture_output=True,check=True).stdout)
def leb(v):
    out=bytearray()
    while True:
        b=v&0x7f; v>>=7
        if v: out.append(b|0x80)
        else: out.append(b); return bytes(out)
def zz(v): return (v<<1)^(v>>63) if v>=0 else ((-v)<<1)-1
def intkey(v): return b'\x02'+struct.pack('>Q',(v+(1<<63))&((1<<64)-1))
def textkey(s): return b'\x04'+s.encode().replace(b'\x00',b'\x00\xff')+b'\x00\x00'
def load(path): return [l.rstrip('\n').split('\t') for l in open(path)]
def entries(table, rows):
    out=[]
    if table=='accounts':
        names=['aid','bid','abalance','filler']
        for r in rows:
            k=b'\x03'+intkey(int(r[0]))+b'\x00'
            v=leb(4)+b''.join(leb(len(n))+n.encode()+b'\x03'+leb(len(x.encode()))+x.encode() for n,x in zip(names,r))
            out.append((k,v,[('i',int(r[0]))],[(n,'t',x) for n,x in zip(names,r)]))
    else:
        names=['tid','bid','aid','delta','mtime','filler']
        seen={}
        keyed=[]
        for r in rows:
            kv=[]
            for j,x in enumerate(r):
                if x=='\\N': kv.append(('n',None))
                elif j<4: kv.append(('i',int(x)))
                else: kv.append(('t',x))
            t=tuple(kv); n=seen.get(t,0); seen[t]=n+1
            kv.append(('i',n))
            kb=b'\x03'+b''.join(intkey(v) if t=='i' else (textkey(v) if t=='t' else b'\x01') for t,v in kv)+b'\x00'
            keyed.append((kb,kv))
        keyed.sort()
        for kb,kv in keyed:
            v=leb(6)+b''.join(leb(len(n))+n.encode()+b'\x05' for n in names)
            out.append((kb,v,kv,[(n,'r',None) for n in names]))
    out.sort(key=lambda e:e[0])
    return out
def rowwise(es):
    b=bytearray(); prev=b''
    for k,v,_,_ in es:
        s=0
        while s<min(len(k),len(prev)) and k[s]==prev[s]: s+=1
        b+=leb(s)+leb(len(k)-s)+k[s:]+b'\x00'+leb(len(v))+v; prev=k
    return bytes(b)
#(r'[0-9]+|[^0-9]+')
def leaves(es, size=65536):
    cur=[]; n=0
    for e in es:
        cur.append(e); n+=len(e[0])+len(e[1])+4
        if n>=size: yield cur; cur=[]; n=0
    if cur: yield cur
import sys
def bitpack(z,w):
    acc=0; n=0; out=bytearray()
    for x in z:
        acc|=x<<n; n+=w
        while n>=8: out.append(acc&0xff); acc>>=8; n-=8
    if n: out.append(acc)
    return bytes(out)
BYTEW = len(sys.argv)>3 and sys.argv[3]=='bytes'
def ints(vals):
    if not vals: return b''
    def fr(s):
        m=min(s); return m, max(v-m for v in s).bit_length()
    pm,pw=fr(vals)
    d=[vals[i]-vals[i-1] for i in range(1,len(vals))]
    if d:
        dm,dw=fr(d)
    if d and dw<pw:
        mode,first,seq,m,w=1,leb(zz(vals[0])),d,dm,dw
    else: mode,first,seq,m,w=0,b'',vals,pm,pw
    if BYTEW and 0<w<=8: body=bytes(v-m for v in seq)
    else: body=bitpack([v-m for v in seq],w)
    return bytes([mode])+first+leb(zz(m))+bytes([w])+body
import re
runre=re.compile(r'[0-9]+|[^0-9]+')
def texts(vals):
    if not vals: return b''
    if all(re.fullmatch(r'-?(0|[1-9][0-9]*)',v) for v in vals): return b'\x01'+ints([int(v) for v in vals])
    toks=[runre.findall(v) for v in vals]
    sh=[tuple('#' if t[0].isdigit() else t for t in tt) for tt in toks]
    if len(set(sh))==1:
        out=bytearray(b'\x02')
        for j,s in enumerate(sh[0]):
            if s!='#': continue
            col=[tt[j] for tt in toks]
            if all(c=='0' or c[0]!='0' for c in col): out+=b'\x00'+ints([int(c) for c in col])
            elif all(c[-1]!='0' for c in col):
                w=max(len(c) for c in col); out+=b'\x02'+bytes([w])+ints([int(c.ljust(w,'0')) for c in col])
            else: out+=b'\x01'+ints([len(c) for c in col])+ints([int(c) for c in col])
        return bytes(out)
    return b'\x00'+ints([len(v) for v in vals])+''.join(vals).encode()
def col(cells):
    # cells: list of (type, value)
    out=bytes(c[0] for c in cells)
    return out+ints([v for t,v in cells if t==1])+texts([v for t,v in cells if t==3])
def leafbytes(es, table):
    parts={}
    if table=='history':
        for j in range(7):
            cells=[(1,v) if t=='i' else ((3,v) if t=='t' else (0,None)) for t,v in (e[2][j] for e in es)]
            parts['k%d'%j]=col(cells)
        parts['v']=bytes([5]*len(es)*6)
    else:
        parts['k0']=col([(1,e[2][0][1]) for e in es])
        for j in range(4): parts['v%d'%j]=col([(3,e[3][j][2]) for e in es])
    return parts
if len(sys.argv) < 3: sys.exit(__doc__)
for table,path in (('history',sys.argv[1]),('accounts',sys.argv[2])):
    es=entries(table,load(path))
    tot=0; per={}
    for l in leaves(es):
        parts=leafbytes(l,table)
        tot+=zs(b''.join(parts.values()),9)
        for k,v in parts.items(): per[k]=per.get(k,0)+zs(v,9)
    rw=sum(zs(rowwise(l),9) for l in leaves(es))
    print(table,len(es),'rows: row by row',rw,'columnar',tot,'per column',per)
