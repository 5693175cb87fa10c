# bench/plot.gp — the chart of bench/run's results.  Called with
#   gnuplot -e "ingest='...'; queries='...'; outfile='...png'; title='...'" plot.gp
# ingest:  lines "FIGURE" PLAIN_RATIO TIMESHARD_RATIO PGFDW_RATIO (rows/s, to plain)
# queries: lines "QUERY" PLAIN_MS TIMESHARD_MS PGFDW_MS
# A missing value is "?".

set terminal pngcairo size 1400,1000 font "sans,10" noenhanced
set output outfile
set datafile missing "?"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set grid ytics
set xtics nomirror rotate by -30
set multiplot layout 2,1 title title font "sans,13"

set title "Ingest: rows/s relative to the plain server (higher is better)"
set ylabel "ratio to plain PG"
set yrange [0:*]
plot ingest using 2:xtic(1) title "plain PG" lc rgb "#7f7f7f", \
     ''     using 3 title "timeshard (AN + 2 DN)" lc rgb "#1f77b4", \
     ''     using 4 title "postgres_fdw DIY (AN + 2)" lc rgb "#ff7f0e"

set title "Query latency, median (ms, log scale; lower is better)"
set ylabel "ms"
set logscale y
set yrange [*:*]
plot queries using 2:xtic(1) title "plain PG" lc rgb "#7f7f7f", \
     ''      using 3 title "timeshard (AN + 2 DN)" lc rgb "#1f77b4", \
     ''      using 4 title "postgres_fdw DIY (AN + 2)" lc rgb "#ff7f0e"
unset multiplot
