# bench/report.awk — turns the measurements of bench/run (results.tsv) into
# the results table (stdout), its CSV (-v csv=FILE) and the data files of the
# chart (-v plotdir=DIR: plot-ingest.dat, plot-queries.dat).  POSIX awk.
#
# Input lines (tab-separated):
#   meta    KEY VALUE
#   ingest  PHASE SETUP RUN ROWS SECONDS ROWS_PER_S [PEAK_ANON_KB PEAK_RSS_KB HWM_KB]
#   query   NAME SETUP MEDIAN_MS MIN_MS MAX_MS ROWS CHECK
#   run     NAME SETUP ROUND MS          (ignored here)
#
# Ratios are to the plain server: rows/s divided by plain's for ingest,
# milliseconds divided by plain's for queries.  The targets are issue 11's,
# checked for timeshard.

BEGIN {
	FS = "\t"
	nsetups = split("plain timeshard pgfdw", setup, " ")
	title["plain"] = "plain PG"
	title["timeshard"] = "timeshard"
	title["pgfdw"] = "pgfdw DIY"
	nphases = split("copy insert insert4", phase, " ")
	phase_title["copy"] = "COPY, 1 client"
	phase_title["insert"] = "INSERT 1000 rows/stmt, 1 client"
	phase_title["insert4"] = "INSERT 1000 rows/stmt, 4 clients"
	phase_target["copy"] = 1.7
	phase_target["insert"] = 1.2
	phase_target["insert4"] = 1.2
	nq = 0
}

$1 == "meta" { meta[$2] = $3; next }

$1 == "ingest" {
	k = $2 SUBSEP $3
	n = ++count[k]
	rate[k, n] = $7
	if ($8 != "" && ($8 + 0) > peak_anon[$3]) peak_anon[$3] = $8 + 0
	if ($10 != "" && ($10 + 0) > peak_hwm[$3]) peak_hwm[$3] = $10 + 0
	if ($2 == "copy") copy_rows[$3] = $5
	have_phase[$2] = 1
	next
}

$1 == "query" {
	if (!($2 in qseen)) { qseen[$2] = 1; qname[++nq] = $2 }
	qms[$2, $3] = $4
	qrows[$2, $3] = $7
	if ($8 == "MISMATCH") qbad[$2] = 1
	next
}

function median(k,    n, i, j, t, a) {
	n = count[k]
	if (n == 0) return ""
	for (i = 1; i <= n; i++) a[i] = rate[k, i] + 0
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# 1234567 -> 1,234,567
function thousands(x,    s, out) {
	s = sprintf("%.0f", x)
	out = ""
	while (length(s) > 3) {
		out = "," substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return s out
}

function ms(x) {
	if (x == "") return "-"
	x += 0
	if (x < 10) return sprintf("%.2f", x)
	if (x < 100) return sprintf("%.1f", x)
	return sprintf("%.0f", x)
}

function ratio(x) { return x == "" ? "" : sprintf("%.2fx", x) }

function query_class(q) {
	if (q ~ /^single-groupby/ || q == "high-cpu-1" || q ~ /^cpu-max-all/) return "single"
	if (q == "lastpoint") return "lastpoint"
	return "all"
}

function row(fig, unit, v1, v2, r2, v3, r3, target, verdict, vsdiy, extra) {
	printf "%-42s %12s %12s %7s %12s %7s  %-18s %s%s\n", fig, v1, v2, r2, v3, r3, target, verdict, vsdiy
	gsub(/"/, "", fig)
	printf "\"%s\",%s,%s,%s,%s,%s,%s,\"%s\",\"%s\",%s,%s\n", fig, unit, csvnum(v1), csvnum(v2), csvnum(r2), \
		csvnum(v3), csvnum(r3), target, verdict, vsdiy == "" ? "" : (vsdiy ~ /SLOWER/ ? "no" : "yes"), extra > csv
}

function csvnum(v) { gsub(/[,x]/, "", v); return v == "-" ? "" : v }

END {
	rows = meta["rows"]
	printf "TSBS cpu-only: %s rows (100 hosts, one row per host every 10 s)\n", thousands(rows)
	printf "machine: %s; %s\n", machine, pgver
	if (meta["load_start"] != "")
		printf "load average (1, 5, 15 min): %s at the start, %s at the end\n", meta["load_start"], meta["load_end"]
	printf "setups: plain PG = one PostgreSQL server; timeshard = access node + 2 data nodes;\n"
	printf "        pgfdw DIY = range partitions on an access node, postgres_fdw foreign tables on 2 servers\n"
	if (have_phase["copy"] || have_phase["insert"] || have_phase["insert4"])
		printf "ingest: rows/s, median of %s runs\n", meta["ingest_runs"]
	if (nq > 0)
		printf "queries: ms, median of %s runs after a warm-up\n", meta["query_runs"]
	printf "ratios: to plain PG (ingest: higher is better; queries: lower is better)\n"
	if (have_phase["copy"] && meta["pgfdw_copy_rows"] > 0 && meta["pgfdw_copy_rows"] < rows && copy_rows["pgfdw"] != "")
		printf "pgfdw DIY COPY: first %s rows of the file (postgres_fdw in PostgreSQL 15 copies row by row)\n", thousands(copy_rows["pgfdw"])
	printf "\n"
	printf "%-42s %12s %12s %7s %12s %7s  %-18s %s\n", "figure", "plain PG", "timeshard", "ratio", "pgfdw DIY", "ratio", "timeshard target", "result"
	printf "%s\n", "--------------------------------------------------------------------------------------------------------------------------------------------"
	print "figure,unit,plain,timeshard,timeshard_ratio,pgfdw,pgfdw_ratio,timeshard_target,timeshard_result,timeshard_faster_than_pgfdw,result_rows" > csv

	for (i = 1; i <= nphases; i++) {
		p = phase[i]
		if (!have_phase[p]) continue
		base = median(p SUBSEP "plain")
		ts = median(p SUBSEP "timeshard")
		diy = median(p SUBSEP "pgfdw")
		rts = (base != "" && ts != "") ? ts / base : ""
		rdiy = (base != "" && diy != "") ? diy / base : ""
		target = sprintf(">= %.1fx", phase_target[p])
		verdict = rts == "" ? "-" : (rts >= phase_target[p] ? "met" : sprintf("MISSED (%.2fx short)", phase_target[p] - rts))
		row(phase_title[p] " (rows/s)", "rows/s", base == "" ? "-" : thousands(base), ts == "" ? "-" : thousands(ts), ratio(rts),
			diy == "" ? "-" : thousands(diy), ratio(rdiy), target, verdict, "", "")
		print "\"" phase_title[p] "\"", (base == "" ? "?" : 1), (rts == "" ? "?" : rts), (rdiy == "" ? "?" : rdiy) > (plotdir "/plot-ingest.dat")
	}
	if (have_phase["copy"]) {
		row("peak backend memory in COPY (MB)", "MB", peak_anon["plain"] == "" ? "-" : sprintf("%.1f", peak_anon["plain"] / 1024),
			peak_anon["timeshard"] == "" ? "-" : sprintf("%.1f", peak_anon["timeshard"] / 1024), "",
			peak_anon["pgfdw"] == "" ? "-" : sprintf("%.1f", peak_anon["pgfdw"] / 1024), "", "bounded", "(private memory, RssAnon)", "", "")
		row("  VmHWM of that backend (MB)", "MB", peak_hwm["plain"] == "" ? "-" : sprintf("%.1f", peak_hwm["plain"] / 1024),
			peak_hwm["timeshard"] == "" ? "-" : sprintf("%.1f", peak_hwm["timeshard"] / 1024), "",
			peak_hwm["pgfdw"] == "" ? "-" : sprintf("%.1f", peak_hwm["pgfdw"] / 1024), "", "", "(with shared memory touched)", "", "")
	}

	for (i = 1; i <= nq; i++) {
		q = qname[i]
		base = qms[q, "plain"]
		ts = qms[q, "timeshard"]
		diy = qms[q, "pgfdw"]
		rts = (base != "" && ts != "" && base > 0) ? ts / base : ""
		rdiy = (base != "" && diy != "" && base > 0) ? diy / base : ""
		cls = query_class(q)
		verdict = "-"
		if (cls == "single") {
			target = "<= plain + 2 ms"
			if (ts != "" && base != "") verdict = (ts <= base + 2) ? "met" : sprintf("MISSED by %s ms", ms(ts - base - 2))
		} else if (cls == "all") {
			target = "<= 1.0x"
			if (rts != "") verdict = (rts <= 1.0) ? "met" : sprintf("MISSED (%.2fx over)", rts - 1.0)
		} else {
			target = "< 10 ms"
			if (ts != "") verdict = (ts < 10) ? "met" : sprintf("MISSED by %s ms", ms(ts - 10))
		}
		vsdiy = ""
		if (ts != "" && diy != "") vsdiy = (ts < diy) ? "; faster than pgfdw" : "; SLOWER than pgfdw"
		if (qbad[q]) verdict = verdict "; RESULTS DIFFER"
		r = qrows[q, "plain"] != "" ? qrows[q, "plain"] : qrows[q, "timeshard"]
		row(q " (ms)", "ms", ms(base), ms(ts), ratio(rts), ms(diy), ratio(rdiy), target, verdict, vsdiy, r)
		print "\"" q "\"", (base == "" ? "?" : base), (ts == "" ? "?" : ts), (diy == "" ? "?" : diy) > (plotdir "/plot-queries.dat")
		nchecked++
		if (qbad[q]) nbad++
	}
	if (nq > 0)
		printf "\nquery results: %s\n", nbad ? nbad " of " nq " queries DIFFER between setups" : "equal on every setup (" nq " queries)"
}
