#!/usr/bin/env python3
"""Runs `pof sql --dialect spark` queries on Spark and exports each result as CSV (used by the SparkTests).

Starts a Spark standalone master and two workers on 127.0.0.1 from the pyspark package (spark-class), or,
where that fails, Spark in local mode; registers CSV files as tables; then reads lines from stdin, each
`QUERY_FILE<TAB>RESULT_CSV`, runs the query and writes its result (header row, NULL as an empty cell,
doubles with Python's shortest round-trip digits). Answers each line with `ok ROWS` or `error MESSAGE`.
The first line printed is `ready MODE` (standalone or local). Stops everything it started at the end.

usage: db-spark-query.py --table NAME=CSV:SCHEMA [--table …] [--local]
  SCHEMA is a Spark DDL column list, e.g. "time DOUBLE, status DOUBLE, sex_label STRING".
"""
import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.5)
    return False


def start_standalone(spark_home, work, started):
    env = dict(os.environ, SPARK_HOME=spark_home, SPARK_LOCAL_IP="127.0.0.1", SPARK_DAEMON_MEMORY="256m",
               SPARK_WORKER_DIR=os.path.join(work, "worker"), SPARK_LOG_DIR=work)
    spark_class = os.path.join(spark_home, "bin", "spark-class")
    port = free_port()
    log = open(os.path.join(work, "master.log"), "w")
    started.append(subprocess.Popen([spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                     "--port", str(port), "--webui-port", str(free_port())],
                                    env=env, stdout=log, stderr=subprocess.STDOUT))
    if not wait_port(port, 120):
        raise RuntimeError("the Spark master did not start")
    url = "spark://127.0.0.1:%d" % port
    for k in range(2):
        log = open(os.path.join(work, "worker%d.log" % k), "w")
        started.append(subprocess.Popen([spark_class, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                         "--cores", "1", "--memory", "768m", "--webui-port", str(free_port()), url],
                                        env=env, stdout=log, stderr=subprocess.STDOUT))
    return url


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", action="append", default=[])
    ap.add_argument("--local", action="store_true")
    args = ap.parse_args()
    import pyspark
    from pyspark.sql import SparkSession
    spark_home = os.path.dirname(pyspark.__file__)
    work = tempfile.mkdtemp(prefix="pof-spark-")
    started = []
    spark = None
    mode = "local"
    try:
        if not args.local:
            try:
                url = start_standalone(spark_home, work, started)
                spark = (SparkSession.builder.master(url).appName("pof-aggregates")
                         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                         .config("spark.executor.memory", "512m").config("spark.cores.max", "2")
                         .config("spark.sql.shuffle.partitions", "4").config("spark.ui.showConsoleProgress", "false").getOrCreate())
                # both workers' executors registered (the driver counts as one more)
                deadline = time.time() + 180
                while spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() < 3:
                    if time.time() > deadline:
                        raise RuntimeError("the two Spark workers did not register")
                    time.sleep(1)
                mode = "standalone"
            except Exception as e:  # fall back to local mode, saying so
                print("note: standalone Spark not available (%s); local mode" % e, file=sys.stderr)
                if spark is not None:
                    spark.stop()
                    spark = None
                for p in started:
                    p.terminate()
                started.clear()
        if spark is None:
            spark = (SparkSession.builder.master("local[2]").appName("pof-aggregates")
                     .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                     .config("spark.sql.shuffle.partitions", "4").config("spark.ui.showConsoleProgress", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        for spec in args.table:
            name, rest = spec.split("=", 1)
            path, schema = rest.split(":", 1)
            (spark.read.option("header", True).option("nullValue", "").option("nanValue", "NaN")
             .schema(schema).csv(path).createOrReplaceTempView(name))
        print("ready %s" % mode, flush=True)
        for line in sys.stdin:
            line = line.rstrip("\n")
            if not line:
                continue
            query_file, result_file = line.split("\t")
            try:
                with open(query_file) as f:
                    sql = f.read().strip().rstrip(";")
                df = spark.sql(sql)
                rows = df.collect()
                with open(result_file, "w", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(df.columns)
                    for r in rows:
                        w.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v) for v in r])
                print("ok %d" % len(rows), flush=True)
            except Exception as e:
                print("error %s" % str(e).replace("\n", " ")[:2000], flush=True)
    finally:
        if spark is not None:
            spark.stop()
        for p in started:
            p.terminate()
        for p in started:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
